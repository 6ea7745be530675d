package org.octopipes.api.transport;

import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A transport's end of one client, held by its {@link Session}: where the router puts packets for
 * it. Implemented by transports. A transport writes what is queued as soon, and in as few writes,
 * as it can; a client that does not read must never hold up anybody else.
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
     * Queues a copy of every packet of {@code run} at once, in order, if the client's queue takes
     * them all now without holding anybody up first; they share one delivery, since they share
     * their TTL. Otherwise it queues none, and the router offers them one by one through
     * {@link #offer(Frame, Delivery)}. The default takes none. The run and the delivery are valid
     * only during the call.
     *
     * @param run the packets, whose original bytes are copied
     * @param delivery their deadline and their sender
     * @return whether all of them were queued; if not, none was
     */
    default boolean offer(FrameRun run, Delivery delivery) {
        return false;
    }

    /** @return the packets queued and not yet written */
    int queuedPackets();

    /** @return the bytes queued and not yet written */
    long queuedBytes();

    /**
     * The client was let go (kicked by management): the transport drops what is queued (reporting
     * it as {@code CLIENT_GONE}), closes and deletes what it made for the client, and
     * {@linkplain Session#close() closes} its session. May be called from any thread.
     */
    void close();
}
