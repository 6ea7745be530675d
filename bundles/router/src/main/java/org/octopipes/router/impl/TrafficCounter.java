package org.octopipes.router.impl;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.octopipes.api.DropReason;
import org.octopipes.api.TrafficCounters;

/** Live packet counters, updated from transport threads and read by management at any time. */
final class TrafficCounter {

    private final LongAdder received = new LongAdder();
    private final LongAdder routed = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];

    TrafficCounter() {
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    void received() {
        received.increment();
    }

    void routed() {
        routed.increment();
    }

    void delivered(int packets) {
        delivered.add(packets);
    }

    void dropped(DropReason reason, int packets) {
        dropped[reason.ordinal()].add(packets);
    }

    TrafficCounters snapshot() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, dropped[reason.ordinal()].sum());
        }
        return new TrafficCounters(received.sum(), routed.sum(), delivered.sum(), drops);
    }
}
