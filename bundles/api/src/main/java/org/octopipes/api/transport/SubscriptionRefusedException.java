package org.octopipes.api.transport;

/** The router did not admit a client; {@link #reason()} says why, in terms a CAP reply can carry. */
public class SubscriptionRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a subscription was refused. */
    public enum Reason {
        /** Another client holds the name. */
        NAME_TAKEN,
        /** The name cannot be used: empty (the server's), or refused by a rule. */
        INVALID_NAME,
        /** The server has as many clients as it is configured for. */
        TOO_MANY_CLIENTS,
        /** The client asked for more groups than the server allows. */
        TOO_MANY_GROUPS,
        /** The name belongs to users ({@code names.owners}) the client is not, or cannot be shown to be. */
        NOT_OWNER
    }

    /** Why, as a CAP reply can carry it. */
    private final Reason reason;

    /**
     * @param reason why, as a CAP reply can carry it
     * @param message why, for people
     */
    public SubscriptionRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @return why the subscription was refused */
    public Reason reason() {
        return reason;
    }
}
