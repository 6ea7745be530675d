package org.octopipes.codec;

/** The error byte of a CAP ASSIGNMENT. */
public enum AssignmentError {
    /** Subscribed; the assignment names the FIFOs. */
    NONE(0),
    /** Another client holds this name. */
    NAME_ALREADY_TAKEN(1),
    /** The server could not make the FIFOs. */
    FS(2);

    private final int code;

    AssignmentError(int code) {
        this.code = code;
    }

    /** {@return the byte on the wire} */
    public int code() {
        return code;
    }

    /**
     * The error with this code.
     *
     * @param code the error byte of an ASSIGNMENT
     * @return the error
     * @throws MalformedCapMessageException if no error has this code
     */
    public static AssignmentError ofCode(int code) {
        for (AssignmentError error : values()) {
            if (error.code == code) {
                return error;
            }
        }
        throw new MalformedCapMessageException("unknown ASSIGNMENT error code " + code);
    }
}
