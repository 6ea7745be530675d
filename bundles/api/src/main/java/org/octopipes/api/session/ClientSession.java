package org.octopipes.api.session;

import java.util.Optional;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.TrafficCounter;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One open session as the router sees it: a subscriber for the routing policies, with the outlet
 * through which it is reached and the counter the router writes.
 */
@ProviderType
public interface ClientSession extends Subscriber {

    /**
     * Who is on the other end, where its transport knows.
     *
     * @return the peer's credentials, or empty (FIFO clients)
     */
    @Override
    Optional<Credentials> credentials();

    /**
     * Whether a packet of {@code bytes} may be queued for this client under its user's quota of
     * bytes queued ({@code quota.bytes.per.user}); true for a client whose user is not known, or
     * with no quota. Asked by the router for every recipient, so it reads and never allocates.
     *
     * @param bytes the packet's size
     * @return whether it may be queued
     */
    boolean withinQuota(int bytes);

    /**
     * Where packets for the client are put.
     *
     * @return its outlet
     */
    Outlet outlet();

    /**
     * The client's counters: received and routed written by the thread that routes its packets,
     * delivered by its transport.
     *
     * @return its counters, which outlive router and transport updates
     */
    TrafficCounter counter();

    /**
     * Counts and logs packets to or from this client that were dropped.
     *
     * @param reason why
     * @param packets how many
     * @param detail what the log says of it, or null
     */
    void dropped(DropReason reason, int packets, String detail);

    /** Lets the client go, as management asks: its outlet is closed, its session with it. */
    void kick();

    /**
     * What management shows of it now.
     *
     * @return a snapshot
     */
    ClientInfo info();
}
