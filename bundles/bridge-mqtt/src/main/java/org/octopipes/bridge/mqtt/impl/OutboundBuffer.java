package org.octopipes.bridge.mqtt.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.octopipes.codec.Protocol;

/**
 * The packets waiting to be published, oldest first, bounded in packets and in bytes. Router threads
 * add; the bridge's one publishing thread looks at the oldest, publishes it and only then removes
 * it, so that a packet whose publication failed (the broker went away) is published again first,
 * and the order never changes. While the broker is unreachable this is the buffer that fills.
 */
final class OutboundBuffer {

    /**
     * One packet to publish.
     *
     * @param topic where it goes
     * @param packet the whole Octopipes packet, the MQTT payload
     * @param deadlineNanos by when it must be published, by {@link System#nanoTime()}, as the
     *        router computed it from the packet's TTL and the time it was read;
     *        {@link Protocol#NO_DEADLINE} for none
     */
    record Entry(String topic, byte[] packet, long deadlineNanos) {

        /** Whether its deadline passed while it waited, at {@code nowNanos}. */
        boolean expired(long nowNanos) {
            return nowNanos > deadlineNanos;
        }
    }

    private final int maxPackets;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;

    OutboundBuffer(int maxPackets, long maxBytes) {
        if (maxPackets < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("the buffer must hold at least one packet and one byte");
        }
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    /** Queues {@code entry} last, unless that would take the buffer beyond either bound. */
    synchronized boolean offer(Entry entry) {
        if (entries.size() >= maxPackets || bytes + entry.packet().length > maxBytes) {
            return false;
        }
        entries.addLast(entry);
        bytes += entry.packet().length;
        notifyAll();
        return true;
    }

    /** The oldest entry, left in place; waits up to {@code timeoutMillis} for one, null if none came. */
    synchronized Entry oldest(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (entries.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return entries.peekFirst();
    }

    /** Removes {@code entry}, which {@link #oldest} returned, once it is published (or dropped). */
    synchronized void remove(Entry entry) {
        if (entries.peekFirst() == entry) {
            entries.removeFirst();
            bytes -= entry.packet().length;
        }
    }

    /** Empties the buffer and returns what it held, oldest first. */
    synchronized List<Entry> clear() {
        List<Entry> all = new ArrayList<>(entries);
        entries.clear();
        bytes = 0;
        return all;
    }

    synchronized int packets() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
