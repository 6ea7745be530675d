package org.octopipes.api;

import org.octopipes.codec.Name;

/** A management call named a client that is not subscribed. */
public class UnknownClientException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Name client;

    /** @param client the name that no subscribed client has */
    public UnknownClientException(Name client) {
        super("no client is subscribed as '" + client + "'");
        this.client = client;
    }

    /** @return the name that no subscribed client has */
    public Name client() {
        return client;
    }
}
