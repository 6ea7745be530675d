package org.octopipes.codec;

/** Why bytes are not a valid packet; each class of the protocol's decoding rules is its own constant. */
public enum PacketError {
    /** The first byte is not SOH (0x01). */
    BAD_SOH,
    /** VER is not 1. */
    UNSUPPORTED_VERSION,
    /** The byte where STX (0x02) belongs is something else. */
    BAD_STX,
    /** The byte after the payload is not ETX (0x03). */
    BAD_ETX,
    /** The checksum does not match, and the packet does not carry ICK. */
    BAD_CHECKSUM,
    /** DSZ is above the configured maximum payload. */
    TOO_LARGE,
    /**
     * One-shot decoding: the bytes end before the packet does. A stream decoder waits instead,
     * unless told to give up on the part it holds ({@link StreamDecoder#abandonPartial}).
     */
    TRUNCATED,
    /** One-shot decoding of exactly one packet only: bytes follow the packet. */
    TRAILING_BYTES
}
