package org.octopipes.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A valid packet as it lies in a decoder's receive buffer, already verified. A decoder hands out
 * one reusable frame, so a frame is valid only inside the {@link FrameHandler#onFrame} call that
 * received it: keep {@link #toPacket()} or {@link #copyTo(ByteBuffer)}, never the frame.
 *
 * <p>Reading a field costs no allocation, and {@link #bytes()} gives the packet's original bytes,
 * so a router can forward a packet without encoding it again.
 *
 * <p>A {@linkplain #deferred deferred} frame is a packet whose header has been read and whose
 * payload is still in its stream: its header fields are there at once, its payload is read in
 * (from its {@link Rest}) by the first call that needs it. A transport that can move a payload
 * without reading it (from pipe to pipe, say) routes such a frame, and moves the payload itself
 * if nothing needed it meanwhile. Its ETX and checksum are not verified: its recipient verifies
 * them.
 */
public final class Frame {

    /** {@link #packetSize}: the bytes given do not hold the whole header yet. */
    public static final long HEADER_INCOMPLETE = -1;
    /** {@link #packetSize}: the header breaks a rule of the protocol (or announces more than the maximum payload). */
    public static final long HEADER_INVALID = -2;

    /** The rest of a {@linkplain #deferred deferred} frame's packet: what is still in its stream. */
    @FunctionalInterface
    public interface Rest {
        /**
         * Reads exactly {@code length} bytes, the rest of the packet up to and including its ETX.
         *
         * @param into where they go
         * @param offset where in {@code into}
         * @param length how many
         * @throws java.io.UncheckedIOException if they cannot all be read
         */
        void read(byte[] into, int offset, int length);
    }

    private byte[] buffer;
    private int offset;
    private int size;
    private int originLength;
    private int remoteAt;
    private int remoteLength;
    private int payloadAt;
    /** Of a deferred frame whose payload has not been read in: where the rest comes from, and the bytes already there. */
    private Rest rest;
    private int present;

    Frame() {
    }

    /**
     * The size of the packet whose header starts at {@code offset}, from its header alone, so that
     * a reader can tell how much of the stream the packet takes before the packet is in.
     *
     * @param bytes the bytes read
     * @param offset where the packet starts
     * @param available how many bytes from {@code offset} have been read
     * @param maxPayload the largest payload accepted
     * @return the packet's size in bytes, {@link #HEADER_INCOMPLETE} or {@link #HEADER_INVALID}
     */
    public static long packetSize(byte[] bytes, int offset, int available, int maxPayload) {
        long size = FrameParser.examineHeader(bytes, offset, available, maxPayload);
        return size >= 0 ? size : size == FrameParser.NEED_MORE ? HEADER_INCOMPLETE : HEADER_INVALID;
    }

    /**
     * A frame for a packet of which only the first {@code present} bytes have been read, its whole
     * header among them: the rest is read into {@code buffer}, after them, by the first call that
     * needs the payload ({@link #payload()}, {@link #bytes()}, {@link #copyTo}, {@link #toPacket()}).
     * Unlike the frames a {@link StreamDecoder} hands out, it is a new object, valid for as long
     * as its caller says.
     *
     * @param buffer holds the packet's first bytes at {@code offset}, and room for all of it
     * @param offset where the packet starts
     * @param present how many of its bytes are there; fewer than its size
     * @param maxPayload the largest payload accepted
     * @param rest reads the rest of the packet when it is needed
     * @return the frame
     * @throws IllegalArgumentException if the header is not whole and valid ({@link #packetSize}),
     *     if the packet is all there, or if {@code buffer} has no room for it
     */
    public static Frame deferred(byte[] buffer, int offset, int present, int maxPayload, Rest rest) {
        long size = packetSize(buffer, offset, present, maxPayload);
        if (size < 0) {
            throw new IllegalArgumentException("no whole, valid header in the " + present + " bytes given");
        }
        if (present >= size || offset + size > buffer.length) {
            throw new IllegalArgumentException("a deferred packet of " + size + " bytes needs fewer than that present (" + present
                    + ") and room for all of them after offset " + offset + " in " + buffer.length);
        }
        Frame frame = new Frame().set(buffer, offset, (int) size);
        frame.rest = Objects.requireNonNull(rest, "rest");
        frame.present = present;
        return frame;
    }

    /** {@return whether the packet's payload is still in its stream: a deferred frame none of whose callers needed the payload yet} */
    public boolean isDeferred() {
        return rest != null;
    }

    /** {@return how many bytes of the packet are still in its stream, ETX included; 0 when it is all here} */
    public int deferredBytes() {
        return rest == null ? 0 : size - present;
    }

    /** Reads the rest of a deferred packet in, once. */
    private void readRest() {
        Rest source = rest;
        if (source != null) {
            source.read(buffer, offset + present, size - present);
            rest = null;
            present = size;
        }
    }

    /** Points this frame at a packet that {@link FrameParser#examine} found valid. */
    Frame set(byte[] buffer, int offset, int size) {
        this.rest = null;
        this.buffer = buffer;
        this.offset = offset;
        this.size = size;
        this.originLength = buffer[offset + Protocol.OFFSET_ORIGIN_LENGTH] & 0xFF;
        this.remoteAt = Protocol.OFFSET_ORIGIN + originLength + 1;
        this.remoteLength = buffer[offset + remoteAt - 1] & 0xFF;
        this.payloadAt = remoteAt + remoteLength + Protocol.TRAILER_AFTER_NAMES;
        return this;
    }

    /** Offset of the TTL byte from the packet's SOH: the end of the header that a run shares but for the options. */
    int ttlOffset() {
        return payloadAt - 12;
    }

    /** Offset of the payload from the packet's SOH: the header's length. */
    int payloadOffset() {
        return payloadAt;
    }

    /** Offset of the options byte from the packet's SOH. */
    int optionsOffset() {
        return payloadAt - 3;
    }

    /** {@return size of the whole packet in bytes} */
    public int size() {
        return size;
    }

    /** {@return the protocol version byte (VER) as received} */
    public int version() {
        return buffer[offset + Protocol.OFFSET_VERSION] & 0xFF;
    }

    /** {@return the TTL in seconds: how long the packet may wait for delivery; 0 means no deadline} */
    public int ttl() {
        return buffer[offset + ttlOffset()] & 0xFF;
    }

    /** {@return the option bits, reserved ones included} */
    public int options() {
        return buffer[offset + optionsOffset()] & 0xFF;
    }

    /**
     * Whether every bit of {@code option} is set.
     *
     * @param option one or more option bits, e.g. {@link Protocol#OPTION_RCK}
     * @return whether all of them are set
     */
    public boolean hasOption(int option) {
        return (options() & option) == option;
    }

    /** {@return the CHK byte as received} */
    public int checksum() {
        return buffer[offset + payloadAt - 2] & 0xFF;
    }

    /** {@return bytes in the origin (LNS), 0 for the server} */
    public int originLength() {
        return originLength;
    }

    /** {@return bytes in the remote (RNS), 0 for the server} */
    public int remoteLength() {
        return remoteLength;
    }

    /** {@return bytes in the payload (DSZ)} */
    public int payloadLength() {
        return size - payloadAt - 1;
    }

    /** {@return the origin as a new name} */
    public Name origin() {
        return Name.of(buffer, offset + Protocol.OFFSET_ORIGIN, originLength);
    }

    /** {@return the remote as a new name} */
    public Name remote() {
        return Name.of(buffer, offset + remoteAt, remoteLength);
    }

    /**
     * Whether the origin is exactly {@code name}, without making a name.
     *
     * @param name the name to compare with
     * @return whether the origin has exactly its bytes
     */
    public boolean originIs(Name name) {
        return name.contentEquals(buffer, offset + Protocol.OFFSET_ORIGIN, originLength);
    }

    /**
     * The origin's byte at {@code index}, without making a name.
     *
     * @param index 0 to {@link #originLength()} - 1
     * @return the byte
     */
    public byte originByteAt(int index) {
        Objects.checkIndex(index, originLength);
        return buffer[offset + Protocol.OFFSET_ORIGIN + index];
    }

    /**
     * Whether the remote is exactly {@code name}, without making a name.
     *
     * @param name the name to compare with
     * @return whether the remote has exactly its bytes
     */
    public boolean remoteIs(Name name) {
        return name.contentEquals(buffer, offset + remoteAt, remoteLength);
    }

    /** {@return {@link Name#hashCode()} of the remote, without making a name} */
    public int remoteHash() {
        return Name.hash(buffer, offset + remoteAt, remoteLength);
    }

    /** {@return a read-only view of the payload: valid only as long as the frame is; reads a deferred payload in} */
    public ByteBuffer payload() {
        readRest();
        return ByteBuffer.wrap(buffer, offset + payloadAt, payloadLength()).slice().asReadOnlyBuffer();
    }

    /** {@return a read-only view of the whole packet as received: valid only as long as the frame is; reads a deferred payload in} */
    public ByteBuffer bytes() {
        readRest();
        return ByteBuffer.wrap(buffer, offset, size).slice().asReadOnlyBuffer();
    }

    /**
     * Copies the whole packet, as received, to {@code out}.
     *
     * @param out where the bytes go, at its position; it must have room for {@link #size()}
     */
    public void copyTo(ByteBuffer out) {
        readRest();
        out.put(buffer, offset, size);
    }

    /**
     * Copies the whole packet, as received, into {@code out}; reads a deferred payload in.
     *
     * @param out where the bytes go; it must have room for {@link #size()} from {@code at}
     * @param at where in {@code out} they start
     */
    public void copyTo(byte[] out, int at) {
        readRest();
        System.arraycopy(buffer, offset, out, at, size);
    }

    /** {@return a packet of its own, with a copy of the payload, that outlives this frame} */
    public Packet toPacket() {
        readRest();
        byte[] payload = new byte[payloadLength()];
        System.arraycopy(buffer, offset + payloadAt, payload, 0, payload.length);
        return new Packet(origin(), remote(), ttl(), options(), ByteBuffer.wrap(payload));
    }

    @Override
    public String toString() {
        return "Frame[" + origin() + " -> " + remote() + ", ttl " + ttl() + ", options 0x"
                + Integer.toHexString(options()) + ", " + payloadLength() + " payload bytes]";
    }
}
