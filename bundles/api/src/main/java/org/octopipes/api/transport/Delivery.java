package org.octopipes.api.transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the delivery of one packet needs besides its bytes, handed to an {@link Outlet} with the
 * packet: every fact about a packet travels with it, so that an outlet served by another thread
 * (another transport, a bridge) knows as much as one served by the thread that read the packet.
 * Made by the router; valid only during the {@link Outlet#offer offer} it is passed to.
 */
@ProviderType
public interface Delivery {

    /**
     * When the packet must have reached its recipient, by {@link System#nanoTime()}, computed once
     * from its TTL and the time it was read; {@link org.octopipes.codec.Protocol#NO_DEADLINE} if its
     * TTL asks for none.
     *
     * @return the deadline in {@link System#nanoTime()}'s terms
     */
    long deadlineNanos();

    /** @return whom to hold up if the recipient falls behind; {@link Sender#NONE} if nobody can be */
    Sender sender();

    /**
     * Whether a bridge brought the packet in from another server: a bridge must not export it
     * again, since the server it came from exported it already.
     *
     * @return true for a packet a bridge imported
     */
    boolean imported();
}
