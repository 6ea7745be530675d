package org.octopipes.codec;

/** Bytes that are not a valid packet, with the class of error they have. */
public class MalformedPacketException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final PacketError error;

    public MalformedPacketException(PacketError error, String message) {
        super(error + ": " + message);
        this.error = error;
    }

    /** The class of error. */
    public PacketError error() {
        return error;
    }
}
