package org.octopipes.client;

import java.io.IOException;

/** A client could not subscribe to an Octopipes server; {@link #reason()} says why, the message says where. */
public class SubscriptionException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a subscription failed. */
    public enum Reason {
        /** Another client holds the name: the server answered NAME_ALREADY_TAKEN. */
        NAME_TAKEN,
        /** The server could not make this client's FIFOs: it answered FS. */
        SERVER_FS_ERROR,
        /** There is no CAP at the path, it is not a FIFO, or nobody reads it: no server runs there. */
        NO_SERVER,
        /** The server took the request but sent no reply in time. */
        NO_REPLY,
        /** The first packet on the CAP was not an ASSIGNMENT for this client. */
        UNEXPECTED_REPLY,
        /** The server assigned FIFOs that this client cannot open. */
        FIFOS_UNUSABLE
    }

    private final Reason reason;

    public SubscriptionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SubscriptionException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
