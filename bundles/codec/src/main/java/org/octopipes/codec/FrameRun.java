package org.octopipes.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Consecutive valid packets of one read that share their header up to the payload: the same
 * version, origin, remote, TTL and options. Their bytes lie one after the other in the decoder's
 * receive buffer, so a router can make one routing decision for all of them and forward them with
 * one copy per recipient. Only their payloads, sizes and checksums differ.
 *
 * <p>A decoder hands out one reusable run, valid only inside the {@link RunHandler#onRun} call that
 * received it, like a {@link Frame}: keep copies, never the run or the frames it gives.
 */
public final class FrameRun {

    private final Frame first = new Frame();
    private final Frame cursor = new Frame();
    private byte[] buffer;
    private int offset;
    private int size;
    private int count;
    /** Where each packet ends, from the run's start, in order. */
    private int[] ends = new int[64];

    FrameRun() {
    }

    /** Starts a run at the valid packet of {@code firstSize} bytes at {@code offset} of {@code buffer}. */
    void start(byte[] buffer, int offset, int firstSize) {
        this.buffer = buffer;
        this.offset = offset;
        this.size = firstSize;
        this.count = 1;
        ends[0] = firstSize;
        first.set(buffer, offset, firstSize);
    }

    /** Adds the valid packet of {@code packetSize} bytes that follows the run's last one. */
    void add(int packetSize) {
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
        }
        size += packetSize;
        ends[count++] = size;
    }

    /**
     * The size of the packet at {@code at} of the run's buffer if it is whole, valid and has the
     * run's header (the same bytes from the version to the TTL, and the same options); else 0.
     * Checks what {@link FrameParser#examine} would, knowing the header's rules hold already.
     */
    long continuedAt(int at, int available, int maxPayload) {
        int payloadAt = first.payloadOffset();
        if (available < payloadAt || !continuedBy(at)) {
            return 0;
        }
        long result = FrameParser.examineLike(buffer, at, available, maxPayload, payloadAt);
        return Math.max(result, 0);
    }

    /** Whether the bytes at {@code at}, at least a header's worth, have the run's header. */
    private boolean continuedBy(int at) {
        int headerEnd = first.ttlOffset() + 1;
        int length = headerEnd - Protocol.OFFSET_VERSION;
        int optionsAt = first.optionsOffset();
        return Arrays.equals(buffer, offset + Protocol.OFFSET_VERSION, offset + headerEnd,
                buffer, at + Protocol.OFFSET_VERSION, at + Protocol.OFFSET_VERSION + length)
                && buffer[offset + optionsAt] == buffer[at + optionsAt];
    }

    /** {@return the number of packets, at least 2 when handed out} */
    public int count() {
        return count;
    }

    /** {@return the bytes of all the packets together} */
    public int size() {
        return size;
    }

    /**
     * The size of one packet.
     *
     * @param index 0 to {@link #count()} - 1
     * @return its size in bytes
     */
    public int sizeOf(int index) {
        Objects.checkIndex(index, count);
        return ends[index] - startOf(index);
    }

    /**
     * The first packet, whose origin, remote, TTL and options every packet of the run shares.
     *
     * @return the first packet; valid only as long as the run is
     */
    public Frame first() {
        return first;
    }

    /**
     * One packet of the run. The frame returned is reused by the next call, so look at one packet
     * at a time.
     *
     * @param index 0 to {@link #count()} - 1
     * @return the packet; valid until the next call, and only as long as the run is
     */
    public Frame frame(int index) {
        Objects.checkIndex(index, count);
        int start = startOf(index);
        return cursor.set(buffer, offset + start, ends[index] - start);
    }

    private int startOf(int index) {
        return index == 0 ? 0 : ends[index - 1];
    }

    /**
     * Hands each packet of the run, in order, to {@code handler}, through one reused frame.
     *
     * @param handler gets each packet
     */
    public void forEach(FrameHandler handler) {
        int at = 0;
        for (int i = 0; i < count; i++) {
            handler.onFrame(cursor.set(buffer, offset + at, ends[i] - at));
            at = ends[i];
        }
    }

    /**
     * Copies the bytes of every packet, as received and one after the other, to {@code out}.
     *
     * @param out where the bytes go, from {@code at}; it must have room for {@link #size()}
     * @param at where in {@code out} they start
     */
    public void copyTo(byte[] out, int at) {
        System.arraycopy(buffer, offset, out, at, size);
    }

    /** {@return a read-only view of the packets' bytes as received: valid only as long as the run is} */
    public ByteBuffer bytes() {
        return ByteBuffer.wrap(buffer, offset, size).slice().asReadOnlyBuffer();
    }

    /**
     * The packets' bytes as received, for a write straight from them (a read-only buffer has no
     * array, and a write from one costs a native copy): {@code reusable}, positioned on them, if it
     * wraps the same array (a decoder keeps its buffer from run to run), else a new buffer. Its
     * bytes must not be changed, and it is valid only as long as the run is.
     *
     * @param reusable what an earlier call returned, or null
     * @return a buffer whose remaining bytes are the run's
     * @since 1.3
     */
    public ByteBuffer wrap(ByteBuffer reusable) {
        ByteBuffer view = reusable != null && reusable.hasArray() && reusable.array() == buffer && reusable.arrayOffset() == 0
                ? reusable : ByteBuffer.wrap(buffer);
        view.limit(offset + size).position(offset);
        return view;
    }

    /**
     * Copies {@code length} of the packets' bytes from {@code from} (0 is the first packet's first
     * byte) into {@code out} at {@code at}.
     *
     * @param from where in the run's bytes to start
     * @param out where the bytes go
     * @param at where in {@code out} they start
     * @param length how many
     * @since 1.3
     */
    public void copyTo(int from, byte[] out, int at, int length) {
        java.util.Objects.checkFromIndexSize(from, length, size);
        System.arraycopy(buffer, offset + from, out, at, length);
    }

    @Override
    public String toString() {
        return "FrameRun[" + count + " packets, " + size + " bytes, " + first.origin() + " -> " + first.remote() + "]";
    }
}
