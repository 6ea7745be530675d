package org.octopipes.api.session;

import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The path of one session's packets through a router: what
 * {@link org.octopipes.api.transport.Session#route} and
 * {@link org.octopipes.api.transport.Session#relay} come to while that router routes. Called by
 * one thread at a time, so that the router may keep per-session scratch state here.
 */
@ConsumerType
public interface SessionRoute {

    /**
     * As {@link org.octopipes.api.transport.Session#route}.
     *
     * @param packet the packet, valid only during the call
     * @param sender the client as its transport can hold it up
     * @param readNanos when the transport read it
     */
    void route(Frame packet, Sender sender, long readNanos);

    /**
     * As {@link org.octopipes.api.transport.Session#route(FrameRun, Sender, long)}; the default
     * takes none of them.
     *
     * @param run the packets, valid only during the call
     * @param sender the client as its transport can hold it up
     * @param readNanos when the transport read them
     * @return whether they were routed (or dropped and counted); if not, none of them was
     */
    default boolean route(FrameRun run, Sender sender, long readNanos) {
        return false;
    }

    /**
     * As {@link org.octopipes.api.transport.Session#relay}.
     *
     * @param packet the packet, valid only during the call
     * @param sender what a recipient that falls behind holds up
     */
    void relay(Frame packet, Sender sender);
}
