package org.octopipes.codec;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An Octopipes packet: origin, remote, TTL, options and an opaque payload. Immutable.
 *
 * <p>The payload is held, not copied: {@link #wrap} and the builder take a buffer's remaining
 * bytes as the payload and the caller hands them over (it must not change them afterwards). The
 * one copy of the payload is the one into the output when the packet is encoded.
 */
public final class Packet {

    private final Name origin;
    private final Name remote;
    private final int ttl;
    private final int options;
    private final ByteBuffer payload;

    Packet(Name origin, Name remote, int ttl, int options, ByteBuffer payload) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.ttl = checkByte(ttl, "TTL");
        this.options = checkByte(options, "options");
        this.payload = payload.slice().asReadOnlyBuffer();
    }

    /**
     * A packet whose payload is {@code payload}'s remaining bytes, taken without a copy.
     *
     * @param origin who sends it
     * @param remote whom it is for
     * @param ttl its TTL in seconds
     * @param options its option bits
     * @param payload its payload
     * @return the packet
     */
    public static Packet wrap(Name origin, Name remote, int ttl, int options, ByteBuffer payload) {
        return new Packet(origin, remote, ttl, options, payload);
    }

    /** {@return a builder of a packet: origin and remote the server's, the default TTL, no options, no payload, until set} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decodes exactly one packet: all of {@code bytes}, nothing more, nothing less.
     *
     * @param bytes one whole packet
     * @return the packet
     * @throws MalformedPacketException with {@link PacketError#TRUNCATED} if the bytes end early,
     *         {@link PacketError#TRAILING_BYTES} if bytes follow, or the rule the bytes break
     */
    public static Packet decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Packet packet = decodeNext(in, Protocol.MAX_CONFIGURABLE_PAYLOAD);
        if (in.hasRemaining()) {
            throw new MalformedPacketException(PacketError.TRAILING_BYTES, in.remaining() + " bytes follow the packet");
        }
        return packet;
    }

    /**
     * Decodes the packet at {@code in}'s position and moves the position past it. On an error the
     * position does not move.
     *
     * @param in the bytes, from their position
     * @param maxPayload the largest payload accepted
     * @return the packet
     * @throws MalformedPacketException with {@link PacketError#TRUNCATED} if the buffer ends early,
     *         or the rule the bytes break
     */
    public static Packet decodeNext(ByteBuffer in, int maxPayload) {
        byte[] bytes;
        int offset;
        if (in.hasArray()) {
            bytes = in.array();
            offset = in.arrayOffset() + in.position();
        } else {
            bytes = new byte[in.remaining()];
            in.duplicate().get(bytes);
            offset = 0;
        }
        long result = FrameParser.examine(bytes, offset, in.remaining(), maxPayload);
        if (result == FrameParser.NEED_MORE) {
            throw new MalformedPacketException(PacketError.TRUNCATED, "the packet needs more than the " + in.remaining() + " bytes given");
        }
        if (result < 0) {
            PacketError error = FrameParser.errorOf(result);
            throw new MalformedPacketException(error, describe(error));
        }
        Packet packet = new Frame().set(bytes, offset, (int) result).toPacket();
        in.position(in.position() + (int) result);
        return packet;
    }

    static String describe(PacketError error) {
        switch (error) {
            case BAD_SOH: return "the first byte is not SOH 0x01";
            case UNSUPPORTED_VERSION: return "the version is not " + Protocol.VERSION;
            case BAD_STX: return "the byte before the payload is not STX 0x02";
            case BAD_ETX: return "the byte after the payload is not ETX 0x03";
            case BAD_CHECKSUM: return "the checksum does not match";
            case TOO_LARGE: return "the payload is larger than allowed";
            default: return error.name();
        }
    }

    /**
     * Encodes a packet into {@code out} at its position, without making a {@link Packet}: the
     * allocation-free path for senders. Writes nothing if it does not fit.
     *
     * @param out where the packet goes, at its position
     * @param origin who sends it
     * @param remote whom it is for
     * @param ttl its TTL in seconds
     * @param options its option bits
     * @param payload its payload, the buffer's remaining bytes
     * @return the number of bytes written
     * @throws BufferOverflowException if {@code out} has too little room; nothing is written
     */
    public static int encode(ByteBuffer out, Name origin, Name remote, int ttl, int options, ByteBuffer payload) {
        checkByte(ttl, "TTL");
        checkByte(options, "options");
        int payloadLength = payload.remaining();
        long size = Protocol.packetSize(origin.length(), remote.length(), payloadLength);
        if (size > out.remaining()) {
            throw new BufferOverflowException();
        }
        int start = out.position();
        out.put(Protocol.SOH).put((byte) Protocol.VERSION);
        out.put((byte) origin.length());
        origin.writeTo(out);
        out.put((byte) remote.length());
        remote.writeTo(out);
        out.put((byte) ttl);
        // Byte by byte: DSZ is big-endian whatever order the caller set on the buffer.
        for (int shift = 8 * (Protocol.DSZ_LENGTH - 1); shift >= 0; shift -= 8) {
            out.put((byte) ((long) payloadLength >>> shift));
        }
        out.put((byte) options);
        int checksumAt = out.position();
        out.put((byte) 0).put(Protocol.STX);
        out.put(payload.duplicate());
        out.put(Protocol.ETX);
        if ((options & Protocol.OPTION_ICK) == 0) {
            // With CHK still 0, the XOR of the whole packet is exactly the checksum.
            out.put(checksumAt, (byte) Checksum.xor(out, start, out.position()));
        }
        return (int) size;
    }

    /**
     * Encodes this packet into {@code out} at its position; see {@link #encode}.
     *
     * @param out where the packet goes
     * @return the number of bytes written
     */
    public int encodeTo(ByteBuffer out) {
        return encode(out, origin, remote, ttl, options, payload);
    }

    /** {@return this packet's bytes in a new array} */
    public byte[] toBytes() {
        byte[] bytes = new byte[size()];
        encodeTo(ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** {@return size of the encoded packet in bytes} */
    public int size() {
        return (int) Protocol.packetSize(origin.length(), remote.length(), payload.remaining());
    }

    /** {@return the protocol version this codec writes, {@link Protocol#VERSION}} */
    public int version() {
        return Protocol.VERSION;
    }

    /** {@return who sends the packet; the empty name is the server} */
    public Name origin() {
        return origin;
    }

    /** {@return whom the packet is for: a client's name or a group; the empty name is the server} */
    public Name remote() {
        return remote;
    }

    /** {@return the TTL in seconds: how long the packet may wait for delivery; 0 means no deadline} */
    public int ttl() {
        return ttl;
    }

    /** {@return the option bits ({@code RCK}, {@code ACK}, {@code ICK} and any others as they came)} */
    public int options() {
        return options;
    }

    /**
     * Whether every bit of {@code option} is set.
     *
     * @param option one or more option bits, e.g. {@link Protocol#OPTION_RCK}
     * @return whether all of them are set
     */
    public boolean hasOption(int option) {
        return (options & option) == option;
    }

    /** {@return a read-only view of the payload, positioned at its start} */
    public ByteBuffer payload() {
        return payload.duplicate();
    }

    /** {@return bytes in the payload} */
    public int payloadLength() {
        return payload.remaining();
    }

    /** {@return a copy of the payload} */
    public byte[] payloadBytes() {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }

    /**
     * The ACK a recipient sends for this packet: from {@code recipient} back to this packet's origin, no payload.
     *
     * @param recipient the name of the client that acknowledges
     * @return the ACK packet
     */
    public Packet ack(Name recipient) {
        return new Packet(recipient, origin, Protocol.DEFAULT_ACK_TTL, Protocol.OPTION_ACK, ByteBuffer.allocate(0));
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Packet)) {
            return false;
        }
        Packet that = (Packet) other;
        return ttl == that.ttl && options == that.options && origin.equals(that.origin)
                && remote.equals(that.remote) && payload.equals(that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, remote, ttl, options, payload);
    }

    @Override
    public String toString() {
        return "Packet[" + origin + " -> " + remote + ", ttl " + ttl + ", options 0x" + Integer.toHexString(options)
                + ", " + payload.remaining() + " payload bytes]";
    }

    private static int checkByte(int value, String what) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(what + " is one byte, 0 to 255, not " + value);
        }
        return value;
    }

    /** Builds a packet; origin and remote default to the server, TTL to 60, options to none. */
    public static final class Builder {
        private Name origin = Name.SERVER;
        private Name remote = Name.SERVER;
        private int ttl = Protocol.DEFAULT_MESSAGE_TTL;
        private int options;
        private ByteBuffer payload = ByteBuffer.allocate(0);

        private Builder() {
        }

        /**
         * Who sends the packet; the empty name is the server.
         *
         * @param origin the sender's name
         * @return this builder
         */
        public Builder origin(Name origin) {
            this.origin = Objects.requireNonNull(origin);
            return this;
        }

        /**
         * Whom the packet is for: a client's name or a group.
         *
         * @param remote the recipient's name or the group
         * @return this builder
         */
        public Builder remote(Name remote) {
            this.remote = Objects.requireNonNull(remote);
            return this;
        }

        /**
         * The TTL in seconds, 0 to 255; 0 means no deadline.
         *
         * @param ttl seconds
         * @return this builder
         */
        public Builder ttl(int ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * The option bits, e.g. {@code Protocol.OPTION_RCK}.
         *
         * @param options the bits
         * @return this builder
         */
        public Builder options(int options) {
            this.options = options;
            return this;
        }

        /**
         * The payload: {@code payload}'s remaining bytes, taken without a copy.
         *
         * @param payload the payload
         * @return this builder
         */
        public Builder payload(ByteBuffer payload) {
            this.payload = payload;
            return this;
        }

        /**
         * The payload: {@code payload} itself, taken without a copy.
         *
         * @param payload the payload
         * @return this builder
         */
        public Builder payload(byte[] payload) {
            return payload(ByteBuffer.wrap(payload));
        }

        /** {@return the packet, with the payload as given, not copied} */
        public Packet build() {
            return new Packet(origin, remote, ttl, options, payload);
        }
    }
}
