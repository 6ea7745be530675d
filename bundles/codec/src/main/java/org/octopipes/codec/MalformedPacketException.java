package org.octopipes.codec;

/** Bytes that are not a valid packet, with the class of error they have. */
public class MalformedPacketException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The class of error. */
    private final PacketError error;

    /**
     * An exception for bytes with this class of error, and what was wrong, for people.
     *
     * @param error the class of error
     * @param message what was wrong
     */
    public MalformedPacketException(PacketError error, String message) {
        super(error + ": " + message);
        this.error = error;
    }

    /** {@return the class of error} */
    public PacketError error() {
        return error;
    }
}
