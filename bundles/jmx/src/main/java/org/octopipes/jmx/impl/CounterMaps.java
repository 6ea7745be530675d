package org.octopipes.jmx.impl;

import java.util.LinkedHashMap;
import java.util.Map;
import org.octopipes.api.DropReason;
import org.octopipes.api.TrafficCounters;

/** Drop counters as an MXBean map: every reason by its enum name, zeros included, so the table never changes shape. */
final class CounterMaps {

    private CounterMaps() {
    }

    static Map<String, Long> droppedByReason(TrafficCounters counters) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason.name(), counters.dropped(reason));
        }
        return dropped;
    }
}
