package org.octopipes.webconsole.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.octopipes.api.TrafficCounters;

/**
 * The server's deliveries and drops per second over the last minutes, from samples of its
 * counters taken at a fixed interval: what the page's chart draws. Thread-safe: sampled by a
 * timer, read by requests.
 */
final class TrafficHistory {

    /**
     * The rates between two samples, as of the later one.
     *
     * @param epochMillis when the later sample was taken
     * @param deliveredPerSecond packets delivered per second in between
     * @param droppedPerSecond packets dropped per second in between, for any reason
     */
    record Rate(long epochMillis, double deliveredPerSecond, double droppedPerSecond) {
    }

    private record Sample(long epochMillis, long delivered, long dropped) {
    }

    private final int capacity;
    private final Deque<Sample> samples = new ArrayDeque<>();

    /** Keeps {@code capacity} rates, so one sample more. */
    TrafficHistory(int capacity) {
        this.capacity = capacity;
    }

    synchronized void sample(long epochMillis, TrafficCounters counters) {
        samples.addLast(new Sample(epochMillis, counters.delivered(), counters.droppedTotal()));
        while (samples.size() > capacity + 1) {
            samples.removeFirst();
        }
    }

    /** The rates, oldest first. */
    synchronized List<Rate> rates() {
        List<Rate> rates = new ArrayList<>(samples.size());
        Sample previous = null;
        for (Sample sample : samples) {
            if (previous != null && sample.epochMillis() > previous.epochMillis()) {
                double seconds = (sample.epochMillis() - previous.epochMillis()) / 1000.0;
                rates.add(new Rate(sample.epochMillis(), perSecond(previous.delivered(), sample.delivered(), seconds),
                        perSecond(previous.dropped(), sample.dropped(), seconds)));
            }
            previous = sample;
        }
        return rates;
    }

    /** A counter that went down was started anew (a server without the handover bundle was updated): counted from zero. */
    private static double perSecond(long before, long after, double seconds) {
        return (after >= before ? after - before : after) / seconds;
    }
}
