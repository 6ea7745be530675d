package org.octopipes.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks whether the bytes at an offset hold a whole valid packet. Shared by the stream decoder
 * and one-shot decoding so that both apply the decoding rules identically.
 */
final class FrameParser {

    /** More bytes are needed before anything can be said. */
    static final long NEED_MORE = -1;

    private static final VarHandle DSZ = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private FrameParser() {
    }

    /**
     * Examines the packet starting at {@code offset} with {@code available} bytes in the array.
     *
     * @return the packet's size when it is whole and valid; {@link #NEED_MORE}; or
     *         {@link #errorCode(PacketError)} of the first rule it breaks
     */
    static long examine(byte[] bytes, int offset, int available, int maxPayload) {
        long size = examineHeader(bytes, offset, available, maxPayload);
        if (size < 0) {
            return size;
        }
        return examineRest(bytes, offset, available, payloadAt(bytes, offset), size);
    }

    /**
     * Examines the packet at {@code offset} whose bytes from the version to the TTL, and whose
     * options, are those of a valid packet with its payload at {@code payloadAt} (the next packet
     * of a run, say): so only SOH, STX, DSZ and what follows the header are left to check.
     *
     * @return as {@link #examine}
     */
    static long examineLike(byte[] bytes, int offset, int available, int maxPayload, int payloadAt) {
        if (available < payloadAt) {
            return NEED_MORE;
        }
        if (bytes[offset] != Protocol.SOH) {
            return errorCode(PacketError.BAD_SOH);
        }
        if (bytes[offset + payloadAt - 1] != Protocol.STX) {
            return errorCode(PacketError.BAD_STX);
        }
        long payloadLength = readDsz(bytes, offset + payloadAt - 1 - 2 - Protocol.DSZ_LENGTH);
        if (payloadLength < 0 || payloadLength > maxPayload) {
            return errorCode(PacketError.TOO_LARGE);
        }
        return examineRest(bytes, offset, available, payloadAt, payloadAt + payloadLength + 1);
    }

    /** The rules after a valid header: the whole packet there, ETX, and the checksum unless its options say ignore it. */
    private static long examineRest(byte[] bytes, int offset, int available, int payloadAt, long size) {
        if (available < size) {
            return NEED_MORE;
        }
        int end = offset + (int) size;
        if (bytes[end - 1] != Protocol.ETX) {
            return errorCode(PacketError.BAD_ETX);
        }
        int options = bytes[offset + payloadAt - 3] & 0xFF;
        if ((options & Protocol.OPTION_ICK) == 0 && Checksum.xor(bytes, offset, (int) size) != 0) {
            return errorCode(PacketError.BAD_CHECKSUM);
        }
        return size;
    }

    /**
     * Examines the header of the packet starting at {@code offset}: every rule up to its DSZ, none
     * that needs the payload (ETX, checksum).
     *
     * @return the size the whole packet will have, once the header is in and valid;
     *         {@link #NEED_MORE}; or {@link #errorCode(PacketError)} of the first rule it breaks
     */
    static long examineHeader(byte[] bytes, int offset, int available, int maxPayload) {
        if (available < 1) {
            return NEED_MORE;
        }
        if (bytes[offset] != Protocol.SOH) {
            return errorCode(PacketError.BAD_SOH);
        }
        if (available < 2) {
            return NEED_MORE;
        }
        if (bytes[offset + Protocol.OFFSET_VERSION] != Protocol.VERSION) {
            return errorCode(PacketError.UNSUPPORTED_VERSION);
        }
        if (available <= Protocol.OFFSET_ORIGIN_LENGTH) {
            return NEED_MORE;
        }
        int originLength = bytes[offset + Protocol.OFFSET_ORIGIN_LENGTH] & 0xFF;
        int remoteLengthAt = Protocol.OFFSET_ORIGIN + originLength;
        if (available <= remoteLengthAt) {
            return NEED_MORE;
        }
        int payloadAt = payloadAt(bytes, offset);
        if (available < payloadAt) {
            return NEED_MORE;
        }
        if (bytes[offset + payloadAt - 1] != Protocol.STX) {
            return errorCode(PacketError.BAD_STX);
        }
        long payloadLength = readDsz(bytes, offset + payloadAt - 1 - 2 - Protocol.DSZ_LENGTH);
        // DSZ is unsigned: a value of 2^63 or more reads as negative here and is too large too.
        if (payloadLength < 0 || payloadLength > maxPayload) {
            return errorCode(PacketError.TOO_LARGE);
        }
        return payloadAt + payloadLength + 1;
    }

    /** Where the payload of the packet at {@code offset} starts, relative to it: its header's length. Both lengths must be there. */
    static int payloadAt(byte[] bytes, int offset) {
        int originLength = bytes[offset + Protocol.OFFSET_ORIGIN_LENGTH] & 0xFF;
        int remoteLengthAt = Protocol.OFFSET_ORIGIN + originLength;
        return remoteLengthAt + 1 + (bytes[offset + remoteLengthAt] & 0xFF) + Protocol.TRAILER_AFTER_NAMES;
    }

    /** DSZ is 8 bytes, big-endian: one load rather than eight, on the path of every packet. */
    static long readDsz(byte[] bytes, int at) {
        return (long) DSZ.get(bytes, at);
    }

    static long errorCode(PacketError error) {
        return -2L - error.ordinal();
    }

    static PacketError errorOf(long code) {
        return PacketError.values()[(int) (-2L - code)];
    }
}
