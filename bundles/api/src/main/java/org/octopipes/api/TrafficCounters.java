package org.octopipes.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of packet counters, for one client or for the whole server.
 *
 * @param received packets read from the client(s)
 * @param routed packets that the routing policy gave at least one recipient
 * @param delivered packets written to recipients' RX FIFOs (one per recipient)
 * @param dropped packets dropped, by reason (one per recipient where a recipient was known)
 */
public record TrafficCounters(long received, long routed, long delivered, Map<DropReason, Long> dropped) {

    /**
     * Keeps a copy of the drops with every reason in it, 0 where none was counted.
     *
     * @param received as {@link #received()} returns it
     * @param routed as {@link #routed()} returns it
     * @param delivered as {@link #delivered()} returns it
     * @param dropped as {@link #dropped()} returns it
     */
    public TrafficCounters {
        EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            copy.put(reason, dropped.getOrDefault(reason, 0L));
        }
        dropped = Collections.unmodifiableMap(copy);
    }

    /**
     * Packets dropped for one reason.
     *
     * @param reason why they were dropped
     * @return how many
     */
    public long dropped(DropReason reason) {
        return dropped.get(reason);
    }

    /**
     * Packets dropped for any reason.
     *
     * @return the sum of {@link #dropped()}
     */
    public long droppedTotal() {
        long total = 0;
        for (long count : dropped.values()) {
            total += count;
        }
        return total;
    }
}
