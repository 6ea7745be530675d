package org.octopipes.codec;

import java.util.concurrent.TimeUnit;

/**
 * The constants of Octopipes protocol v1: frame bytes, option bits, limits and the TTLs the
 * reference implementations use. The one place these numbers live.
 */
public final class Protocol {

    /** Start of header, the first byte of every packet. */
    public static final byte SOH = 0x01;
    /** Start of text, the byte just before the payload. */
    public static final byte STX = 0x02;
    /** End of text, the last byte of every packet. */
    public static final byte ETX = 0x03;
    /** The only protocol version defined. */
    public static final int VERSION = 1;

    /** Option bit: the sender asks the recipient for an ACK. */
    public static final int OPTION_RCK = 0x01;
    /** Option bit: this packet is an ACK. */
    public static final int OPTION_ACK = 0x02;
    /** Option bit: ignore the checksum; the sender writes CHK = 0 and the receiver skips the check. */
    public static final int OPTION_ICK = 0x04;

    /** Bytes of a packet that are not origin, remote or payload: the smallest packet's size. */
    public static final int FRAME_OVERHEAD = 17;
    /** Longest origin or remote name: its length travels in one byte. */
    public static final int MAX_NAME_LENGTH = 255;
    /** Largest TTL: it travels in one byte. */
    public static final int MAX_TTL = 255;
    /** TTL 0: the packet has no delivery deadline. */
    public static final int TTL_NO_DEADLINE = 0;
    /** The deadline, in {@link System#nanoTime()} terms, of a packet with no deadline: later than any. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** TTL the reference clients put on their messages and CAP requests. */
    public static final int DEFAULT_MESSAGE_TTL = 60;
    /** TTL the reference clients put on an ACK. */
    public static final int DEFAULT_ACK_TTL = 255;
    /** TTL the reference server puts on its CAP replies. */
    public static final int DEFAULT_CAP_REPLY_TTL = 5;

    /**
     * Default largest payload a decoder accepts. The protocol allows 2^64 - 1; a server must not,
     * or one bad DSZ would make it wait for (or allocate) exabytes.
     */
    public static final int DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;
    /** Largest payload any decoder here can be configured for: the frame must fit in a Java array. */
    public static final int MAX_CONFIGURABLE_PAYLOAD = Integer.MAX_VALUE - 64 - FRAME_OVERHEAD - 2 * MAX_NAME_LENGTH;

    // Offsets within a frame, relative to its SOH; L = origin length, R = remote length.
    static final int OFFSET_VERSION = 1;
    static final int OFFSET_ORIGIN_LENGTH = 2;
    static final int OFFSET_ORIGIN = 3;
    /** Bytes from the end of the remote name to the start of the payload: TTL, DSZ, OPT, CHK, STX. */
    static final int TRAILER_AFTER_NAMES = 12;
    static final int DSZ_LENGTH = 8;

    private Protocol() {
    }

    /**
     * Size of the packet with these field lengths.
     *
     * @param originLength bytes in the origin
     * @param remoteLength bytes in the remote
     * @param payloadLength bytes in the payload
     * @return the packet's size in bytes
     * @throws IllegalArgumentException if a name is longer than {@link #MAX_NAME_LENGTH}
     */
    public static long packetSize(int originLength, int remoteLength, long payloadLength) {
        checkNameLength(originLength);
        checkNameLength(remoteLength);
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length " + payloadLength);
        }
        return FRAME_OVERHEAD + originLength + remoteLength + payloadLength;
    }

    static void checkNameLength(int length) {
        if (length < 0 || length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a name is 0 to " + MAX_NAME_LENGTH + " bytes, not " + length);
        }
    }

    /**
     * When a packet with TTL {@code ttlSeconds}, taken in at {@code nowNanos} ({@link System#nanoTime()}),
     * is to be delivered by: the one rule for every queue that holds packets; {@link #NO_DEADLINE} for TTL 0.
     *
     * @param ttlSeconds the packet's TTL
     * @param nowNanos when it was read, by {@link System#nanoTime()}
     * @return the deadline by {@link System#nanoTime()}, or {@link #NO_DEADLINE}
     */
    public static long deadlineNanos(int ttlSeconds, long nowNanos) {
        return ttlSeconds == TTL_NO_DEADLINE ? NO_DEADLINE : nowNanos + TimeUnit.SECONDS.toNanos(ttlSeconds);
    }
}
