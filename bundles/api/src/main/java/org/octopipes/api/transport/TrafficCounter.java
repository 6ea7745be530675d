package org.octopipes.api.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.octopipes.api.DropReason;
import org.octopipes.api.TrafficCounters;

/**
 * Live packet counters of one client, read by management at any time. Kept by the client's
 * {@link Session}, which outlives router and transport updates, so its counts go on across them.
 *
 * <p>Received and routed are counted by the one thread that routes the client's packets, delivered
 * by the one thread that writes to it (the transport contract: one thread at a time per client).
 * Each is therefore a plain field with a single writer, stored with opaque access so that a reader
 * sees whole, recent values: on the per-packet path that is an ordinary store, where an atomic
 * add (a {@code LongAdder}'s compare-and-set) was a measured 7% of the server's work. Drops
 * happen on any thread, rarely, and stay adders.
 */
public final class TrafficCounter {

    private static final VarHandle RECEIVED;
    private static final VarHandle ROUTED;
    private static final VarHandle DELIVERED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RECEIVED = lookup.findVarHandle(TrafficCounter.class, "received", long.class);
            ROUTED = lookup.findVarHandle(TrafficCounter.class, "routed", long.class);
            DELIVERED = lookup.findVarHandle(TrafficCounter.class, "delivered", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Instant since = Instant.now();
    private long received;
    /**
     * The next packets of the stream that are counted as received already: those of a run that was
     * counted before its first recipient declined it, which come one by one next. Routing thread only.
     */
    private int receivedAhead;
    private long routed;
    private long delivered;
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];

    /** Counters at zero, counting from now. */
    public TrafficCounter() {
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    /**
     * When counting began: when the client subscribed, for a session's counter.
     *
     * @return when this counter was made
     */
    public Instant since() {
        return since;
    }

    /** By the thread routing the client's packets only. */
    public void received() {
        if (receivedAhead > 0) {
            receivedAhead--;
            return;
        }
        RECEIVED.setOpaque(this, received + 1);
    }

    /** By the thread routing the client's packets only. */
    public void routed() {
        ROUTED.setOpaque(this, routed + 1);
    }

    /**
     * Counts packets read from the client at once, a run of them; by the thread routing them only.
     *
     * @param packets how many
     */
    public void received(int packets) {
        int already = Math.min(receivedAhead, packets);
        receivedAhead -= already;
        RECEIVED.setOpaque(this, received + packets - already);
    }

    /**
     * A run counted with {@link #received(int)} was declined after all (its first recipient could
     * not take it whole): its packets come one by one next, and are not counted again. A run is
     * counted before any recipient is offered it, so that nobody sees a packet delivered that its
     * sender's count does not include yet; by the thread routing them only.
     *
     * @param packets how many the run had
     * @since 3.2
     */
    public void receivedAhead(int packets) {
        receivedAhead += packets;
    }

    /**
     * Counts packets routed to at least one recipient at once; by the thread routing them only.
     *
     * @param packets how many
     */
    public void routed(int packets) {
        ROUTED.setOpaque(this, routed + packets);
    }

    /**
     * Counts packets written to the client; by the thread writing to the client only.
     *
     * @param packets how many
     */
    public void delivered(int packets) {
        DELIVERED.setOpaque(this, delivered + packets);
    }

    /**
     * Counts packets dropped; any thread.
     *
     * @param reason why
     * @param packets how many
     */
    public void dropped(DropReason reason, int packets) {
        dropped[reason.ordinal()].add(packets);
    }

    /** @return the packets read from the client */
    public long receivedCount() {
        return (long) RECEIVED.getOpaque(this);
    }

    /** @return the packets from the client that the policy gave at least one recipient */
    public long routedCount() {
        return (long) ROUTED.getOpaque(this);
    }

    /** @return the packets written to the client */
    public long deliveredCount() {
        return (long) DELIVERED.getOpaque(this);
    }

    /**
     * @param reason why they were dropped
     * @return the packets dropped for {@code reason}
     */
    public long droppedCount(DropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    /**
     * Adds another's received, routed and delivered counts to this one's; by one thread at a
     * time (the totals of departed clients: whoever holds them as a lock).
     *
     * @param other the counter added in; its drops are not (they are counted where they happen)
     */
    public void absorb(TrafficCounter other) {
        RECEIVED.setOpaque(this, received + other.receivedCount());
        ROUTED.setOpaque(this, routed + other.routedCount());
        DELIVERED.setOpaque(this, delivered + other.deliveredCount());
    }

    /** @return this client's counts, at this moment */
    public TrafficCounters snapshot() {
        return new Sum().add(this).snapshot(this);
    }

    /**
     * Adds up counters: the server's totals are its clients' counts, the departed ones' included,
     * so that no packet pays for a shared counter.
     */
    public static final class Sum {
        private long received;
        private long routed;
        private long delivered;

        /**
         * @param counter a counter to add to the sums
         * @return this sum, for chaining
         */
        public Sum add(TrafficCounter counter) {
            received += counter.receivedCount();
            routed += counter.routedCount();
            delivered += counter.deliveredCount();
            return this;
        }

        /**
         * The sums, with the drops that {@code drops} counted.
         *
         * @param drops the counter whose drops the snapshot reports
         * @return the snapshot
         */
        public TrafficCounters snapshot(TrafficCounter drops) {
            Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
            for (DropReason reason : DropReason.values()) {
                dropped.put(reason, drops.droppedCount(reason));
            }
            return new TrafficCounters(received, routed, delivered, dropped);
        }
    }
}
