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
 */
public final class Frame {

    private byte[] buffer;
    private int offset;
    private int size;
    private int originLength;
    private int remoteAt;
    private int remoteLength;
    private int payloadAt;

    Frame() {
    }

    /** Points this frame at a packet that {@link FrameParser#examine} found valid. */
    Frame set(byte[] buffer, int offset, int size) {
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

    /** {@return a read-only view of the payload: valid only as long as the frame is} */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(buffer, offset + payloadAt, payloadLength()).slice().asReadOnlyBuffer();
    }

    /** {@return a read-only view of the whole packet as received: valid only as long as the frame is} */
    public ByteBuffer bytes() {
        return ByteBuffer.wrap(buffer, offset, size).slice().asReadOnlyBuffer();
    }

    /**
     * Copies the whole packet, as received, to {@code out}.
     *
     * @param out where the bytes go, at its position; it must have room for {@link #size()}
     */
    public void copyTo(ByteBuffer out) {
        out.put(buffer, offset, size);
    }

    /**
     * Copies the whole packet, as received, into {@code out}.
     *
     * @param out where the bytes go; it must have room for {@link #size()} from {@code at}
     * @param at where in {@code out} they start
     */
    public void copyTo(byte[] out, int at) {
        System.arraycopy(buffer, offset, out, at, size);
    }

    /** {@return a packet of its own, with a copy of the payload, that outlives this frame} */
    public Packet toPacket() {
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
