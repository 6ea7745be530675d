package org.octopipes.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.EnumMap;
import java.util.Map;

/**
 * Frames packets out of a byte stream such as a FIFO, where one read can return half a packet or
 * many. Fed chunks of any size, it hands every whole valid packet to a {@link FrameHandler} in
 * order and keeps the rest for the next chunk. After bad bytes it reports the error once, skips to
 * the next SOH that starts a valid packet and goes on: one bad packet never ends the stream.
 *
 * <p>Packets are verified in place in the decoder's buffer, so a handler can forward their
 * original bytes. A DSZ above the maximum payload is rejected before anything is allocated for it.
 * Not thread-safe: one decoder per stream, used by one thread at a time.
 */
public final class StreamDecoder {

    /** Start size of the receive buffer: what one FIFO read returns at most by default. */
    public static final int INITIAL_CAPACITY = 64 * 1024;

    private final int maxPayload;
    private final Frame frame = new Frame();
    private final FrameRun run = new FrameRun();
    /** Where a run the handler declined ends: its packets go one by one up to there. */
    private int singlyUntil;
    private final Map<PacketError, Long> errors = new EnumMap<>(PacketError.class);

    private static final byte[] NO_BYTES = new byte[0];

    private byte[] buffer;
    private ByteBuffer readView;
    private int start;
    private int end;
    /** Stream offset of {@code buffer[start]}. */
    private long streamOffset;
    /** False from an error until the next valid packet: errors in between are not reported again. */
    private boolean inSync = true;
    private long discardedBytes;
    private long frames;
    /** Whether the last {@link #readFrom} got less than the room it offered. */
    private boolean lastReadShort;
    /** Set by {@link #stop()} from a handler: no more packets until the next feed, read or drain. */
    private boolean stopped;

    /** A decoder that accepts payloads up to {@link Protocol#DEFAULT_MAX_PAYLOAD}. */
    public StreamDecoder() {
        this(Protocol.DEFAULT_MAX_PAYLOAD);
    }

    /**
     * A decoder that rejects a DSZ above {@code maxPayload} as {@link PacketError#TOO_LARGE}.
     *
     * @param maxPayload the largest payload accepted, in bytes
     */
    public StreamDecoder(int maxPayload) {
        if (maxPayload < 0 || maxPayload > Protocol.MAX_CONFIGURABLE_PAYLOAD) {
            throw new IllegalArgumentException("maximum payload must be 0 to " + Protocol.MAX_CONFIGURABLE_PAYLOAD + ", not " + maxPayload);
        }
        this.maxPayload = maxPayload;
        // Allocated at the first bytes: a server holds a decoder per client, and most clients of a
        // large server only listen; 64 KiB each for 1,000 of them was a quarter of its memory.
        this.buffer = NO_BYTES;
    }

    /**
     * Decodes {@code chunk}'s remaining bytes, consuming all of them.
     *
     * @param chunk the bytes that came, from its position
     * @param handler gets each whole packet and each error
     */
    public void feed(ByteBuffer chunk, FrameHandler handler) {
        stopped = false;
        while (chunk.hasRemaining()) {
            int count = Math.min(chunk.remaining(), makeRoom());
            chunk.get(buffer, end, count);
            end += count;
            drainPending(handler);
        }
    }

    /**
     * Decodes {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @param bytes the bytes that came
     * @param offset where they start
     * @param length how many
     * @param handler gets each whole packet and each error
     */
    public void feed(byte[] bytes, int offset, int length, FrameHandler handler) {
        feed(ByteBuffer.wrap(bytes, offset, length), handler);
    }

    /**
     * Reads once from {@code channel} straight into the decoder's buffer, without an intermediate
     * copy, and decodes what arrived.
     *
     * @param channel where to read from
     * @param handler gets each whole packet and each error
     * @return the bytes read, 0 if none were ready, -1 at the end of the stream
     * @throws java.io.IOException if reading fails
     */
    public int readFrom(ReadableByteChannel channel, FrameHandler handler) throws IOException {
        stopped = false;
        int room = makeRoom();
        ByteBuffer view = readView;
        view.limit(end + room).position(end);
        int count = channel.read(view);
        lastReadShort = count < room;
        if (count > 0) {
            end += count;
            drainPending(handler);
        }
        return count;
    }

    /**
     * Whether the last {@link #readFrom} got fewer bytes than the decoder had room for (none, or
     * the end of the stream, included). A pipe or FIFO returns what it holds up to the room
     * offered, so it was empty after such a read: reading it again at once would only cost a
     * system call that finds nothing.
     *
     * @return whether the last read came short
     */
    public boolean lastReadWasShort() {
        return lastReadShort;
    }

    /**
     * Stops handing out packets after the one being handled: called from a handler that cannot take
     * more now (a server holding a sender up, say). The rest stays pending, with its bytes, until
     * {@link #drain} or the next feed or read hands it out.
     */
    public void stop() {
        stopped = true;
    }

    /**
     * Hands out the whole packets already received, those left by {@link #stop()}.
     *
     * @param handler gets each whole packet
     */
    public void drain(FrameHandler handler) {
        stopped = false;
        drainPending(handler);
    }

    /**
     * Gives up waiting for the rest of the packet that pending bytes begin: it counts as
     * {@link PacketError#TRUNCATED}, and decoding goes on from the next SOH after its start, so
     * that whole packets which came after it, inside its announced length, are still found. For a
     * stream whose writers write whole packets, where a part that waits too long is garbage.
     *
     * @param handler gets each whole packet and each error
     */
    public void abandonPartial(FrameHandler handler) {
        if (start == end) {
            return;
        }
        stopped = false;
        if (inSync) {
            inSync = false;
            errors.merge(PacketError.TRUNCATED, 1L, Long::sum);
            handler.onError(PacketError.TRUNCATED, streamOffset);
        }
        skipToNextSoh();
        drainPending(handler);
    }

    /** The receive buffer's size now: none until the first bytes arrive. For tests. */
    int capacity() {
        return buffer.length;
    }

    /** {@return bytes received and not yet handed out: part of a packet, or packets left by {@link #stop()}} */
    public int pendingBytes() {
        return end - start;
    }

    /**
     * A copy of the pending bytes (see {@link #pendingBytes()}), so that another decoder can go on
     * with the stream where this one stops: a new instance of a transport, after an update, say.
     *
     * @return the count
     */
    public byte[] pendingCopy() {
        return java.util.Arrays.copyOfRange(buffer, start, end);
    }

    /** Forgets pending bytes, for a stream that starts over; the counters stay. */
    public void reset() {
        streamOffset += end - start;
        start = 0;
        end = 0;
        inSync = true;
    }

    /** {@return valid packets handed out so far} */
    public long frames() {
        return frames;
    }

    /** {@return bytes skipped while looking for the next valid packet after errors} */
    public long discardedBytes() {
        return discardedBytes;
    }

    /**
     * Losses of sync so far whose first error was {@code error}.
     *
     * @param error the first error of a loss of sync
     * @return the count
     */
    public long errorCount(PacketError error) {
        return errors.getOrDefault(error, 0L);
    }

    /** {@return the largest payload this decoder accepts; a packet announcing more is {@code TOO_LARGE}} */
    public int maxPayload() {
        return maxPayload;
    }

    /** Frames and hands out every whole packet from {@code start}; stops at an incomplete one, or when stopped. */
    private void drainPending(FrameHandler handler) {
        RunHandler runs = handler instanceof RunHandler runHandler ? runHandler : null;
        singlyUntil = 0;
        while (start < end && !stopped) {
            long result = FrameParser.examine(buffer, start, end - start, maxPayload);
            if (result == FrameParser.NEED_MORE) {
                return;
            }
            if (result > 0) {
                int size = (int) result;
                inSync = true;
                int at = start;
                if (runs != null && at >= singlyUntil && handOutRun(runs, at, size)) {
                    continue;
                }
                frames++;
                advance(size);
                handler.onFrame(frame.set(buffer, at, size));
            } else {
                if (inSync) {
                    inSync = false;
                    PacketError error = FrameParser.errorOf(result);
                    errors.merge(error, 1L, Long::sum);
                    handler.onError(error, streamOffset);
                }
                skipToNextSoh();
            }
        }
    }

    /**
     * Hands out the valid packet of {@code size} bytes at {@code at} together with the whole valid
     * packets after it that share its header, as one run, if there is at least one such packet.
     * What ends the run (another header, a part, bad bytes) is examined again by the caller, and
     * so are the packets of a run the handler declines, one by one.
     *
     * @return whether the handler took a run
     */
    private boolean handOutRun(RunHandler handler, int at, int size) {
        int next = at + size;
        if (next >= end) {
            return false;
        }
        run.start(buffer, at, size);
        while (next < end) {
            // The header is the first's, so its rules hold: what is left is cheaper to check.
            long nextSize = run.continuedAt(next, end - next, maxPayload);
            if (nextSize == 0) {
                // Another header, a part, or bad bytes: the caller examines it in full.
                break;
            }
            run.add((int) nextSize);
            next += (int) nextSize;
        }
        if (run.count() == 1) {
            return false;
        }
        if (!handler.onRun(run)) {
            singlyUntil = next;
            return false;
        }
        frames += run.count();
        advance(run.size());
        return true;
    }

    /** Drops the byte at {@code start} and everything up to the next SOH. */
    private void skipToNextSoh() {
        int next = start + 1;
        while (next < end && buffer[next] != Protocol.SOH) {
            next++;
        }
        discardedBytes += next - start;
        advance(next - start);
    }

    private void advance(int count) {
        start += count;
        streamOffset += count;
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    /**
     * Makes free space after {@code end} and returns how much. Moves pending bytes to the front,
     * and grows the buffer only when a packet that passed the size check does not fit.
     */
    private int makeRoom() {
        if (buffer.length == 0) {
            buffer = new byte[INITIAL_CAPACITY];
            readView = null;
        }
        // Compacting costs a copy of the pending bytes, which are less than one packet; reading
        // into a sliver of free space would cost a system call per few bytes instead.
        if (start > 0 && buffer.length - end < buffer.length / 2 || end == buffer.length) {
            int pending = end - start;
            int needed = Math.max(pending + 1, requiredForPending());
            if (needed > buffer.length) {
                byte[] larger = new byte[(int) Math.min(Math.max(needed, 2L * buffer.length), maxFrameSize())];
                System.arraycopy(buffer, start, larger, 0, pending);
                buffer = larger;
                readView = null;
            } else {
                System.arraycopy(buffer, start, buffer, 0, pending);
            }
            start = 0;
            end = pending;
        }
        if (readView == null) {
            readView = ByteBuffer.wrap(buffer);
        }
        return buffer.length - end;
    }

    /** Size of the packet pending at {@code start}, as far as its header tells; the pending bytes otherwise. */
    private int requiredForPending() {
        int pending = end - start;
        if (pending < 3) {
            return pending;
        }
        int originLength = buffer[start + Protocol.OFFSET_ORIGIN_LENGTH] & 0xFF;
        int remoteLengthAt = Protocol.OFFSET_ORIGIN + originLength;
        if (pending <= remoteLengthAt) {
            return pending;
        }
        int payloadAt = remoteLengthAt + 1 + (buffer[start + remoteLengthAt] & 0xFF) + Protocol.TRAILER_AFTER_NAMES;
        if (pending < payloadAt) {
            return pending;
        }
        // examine() already refused a DSZ above maxPayload, so this fits in an int.
        return payloadAt + (int) FrameParser.readDsz(buffer, start + payloadAt - 11) + 1;
    }

    private long maxFrameSize() {
        return (long) Protocol.FRAME_OVERHEAD + 2L * Protocol.MAX_NAME_LENGTH + maxPayload;
    }
}
