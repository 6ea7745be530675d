package org.octopipes.codec;

/** A CAP packet whose DATA is not a CAP message. */
public class MalformedCapMessageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what is wrong with the CAP message, for people.
     *
     * @param message what is wrong
     */
    public MalformedCapMessageException(String message) {
        super(message);
    }
}
