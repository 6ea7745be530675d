package org.octopipes.api.session;

import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The path of one session's packets through a router: what
 * {@link org.octopipes.api.transport.Session#route} and
 * {@link org.octopipes.api.transport.Session#relay} come to while that router routes. Called by
 * one thread at a time, so that the router may keep per-session scratch state here.
 */
@ConsumerType
public interface SessionRoute {

    /** As {@link org.octopipes.api.transport.Session#route}. */
    void route(Frame packet, Sender sender, long readNanos);

    /** As {@link org.octopipes.api.transport.Session#relay}. */
    void relay(Frame packet, Sender sender);
}
