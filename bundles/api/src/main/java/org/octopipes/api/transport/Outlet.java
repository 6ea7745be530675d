package org.octopipes.api.transport;

import org.octopipes.codec.Frame;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A transport's end of one client: where the router puts packets for it. Implemented by
 * transports. A transport writes what is queued as soon, and in as few writes, as it can; a client
 * that does not read must never hold up anybody else.
 */
@ConsumerType
public interface Outlet {

    /** @return the transport's name, e.g. {@code fifo} */
    String transport();

    /** @return where the client is reached, for people: its RX FIFO's path, say */
    String address();

    /**
     * Queues a copy of {@code packet} for the client, to be delivered by
     * {@link Delivery#deadlineNanos()}. If the client's queue is past its high-water mark, the
     * outlet {@linkplain Sender#hold() holds} {@link Delivery#sender()} up until the client has
     * caught up. May be called from any thread; the frame and the delivery are valid only during
     * the call.
     *
     * @param packet the packet, whose original bytes are copied
     * @param delivery its deadline and its sender
     * @return false if the packet was not queued because the client's queue is full; the router
     *         counts that drop, the transport counts none for it
     */
    boolean offer(Frame packet, Delivery delivery);

    /**
     * The client's counters, which the router writes: kept by the transport with the client, so
     * that a new router (its bundle updated) goes on counting where the old one was. Null lets the
     * router keep counters of its own, which start from zero with each router.
     *
     * @return the client's counters, or null
     */
    default TrafficCounter counter() {
        return null;
    }

    /** @return the packets queued and not yet written */
    int queuedPackets();

    /** @return the bytes queued and not yet written */
    long queuedBytes();

    /**
     * The router dropped the client (kicked, or the router is stopping): the transport drops what
     * is queued (reporting it as {@code CLIENT_GONE}), closes and deletes what it made for the
     * client, and calls {@link ClientLink#detach()}. May be called from any thread.
     */
    void close();
}
