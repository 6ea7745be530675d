package org.octopipes.bridge.mqtt.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.octopipes.codec.Name;
import org.octopipes.codec.Protocol;

/**
 * The packets waiting to be published, in order, bounded in packets and in bytes: those not yet
 * published, and those published and not yet acknowledged by the broker (in flight, at most a
 * window of them). Router threads add; the bridge's one publishing thread takes the next packet
 * to publish; Paho's callback thread reports acknowledgements, which may come in any order. A
 * packet leaves only once acknowledged; after a lost connection every packet in flight that was
 * not acknowledged is published again, first and in its order. While the broker is unreachable
 * this is the buffer that fills.
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
     * @param group the exported group it goes to, whose importers' credits it waits for; null for
     *        a packet to one client, which does not
     */
    record Entry(String topic, byte[] packet, long deadlineNanos, Name group) {

        Entry(String topic, byte[] packet, long deadlineNanos) {
            this(topic, packet, deadlineNanos, null);
        }

        /** Whether its deadline passed while it waited, at {@code nowNanos}. */
        boolean expired(long nowNanos) {
            return nowNanos > deadlineNanos;
        }
    }

    private final int maxPackets;
    private final long maxBytes;
    private final ArrayDeque<Entry> unsent = new ArrayDeque<>();
    private final ArrayDeque<Entry> inFlight = new ArrayDeque<>();
    /** Entries in flight acknowledged while an older one was not yet: they leave with it. */
    private final Set<Entry> acknowledged = Collections.newSetFromMap(new IdentityHashMap<>());
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
        return offer(entry, false);
    }

    /**
     * Queues {@code entry} last; beyond the bounds only if {@code paced}: the broker is there and
     * the sender is held up right after, so that the buffer cannot grow further than what the
     * senders had read already. The bounds are for a broker that cannot be reached.
     */
    synchronized boolean offer(Entry entry, boolean paced) {
        if (!paced && (packets() >= maxPackets || bytes + entry.packet().length > maxBytes)) {
            return false;
        }
        unsent.addLast(entry);
        bytes += entry.packet().length;
        notifyAll();
        return true;
    }

    /**
     * The next packet to publish, now counted in flight; waits up to {@code timeoutMillis} for one
     * while none is waiting or {@code window} are in flight already. Null if none came.
     */
    synchronized Entry nextToPublish(int window, long timeoutMillis) throws InterruptedException {
        return nextToPublish(window, timeoutMillis, entry -> true);
    }

    /**
     * As {@link #nextToPublish(int, long)}, and only once {@code mayGo} lets the next packet go;
     * whoever changes its answer calls {@link #wakeUp}. The packets behind it wait too: the order is kept.
     */
    synchronized Entry nextToPublish(int window, long timeoutMillis, Predicate<Entry> mayGo) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (unsent.isEmpty() || inFlight.size() - acknowledged.size() >= window || !mayGo.test(unsent.peekFirst())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        Entry next = unsent.removeFirst();
        inFlight.addLast(next);
        return next;
    }

    /** The broker acknowledged {@code entry} (or it was dropped unpublished): it leaves, once every older one has. */
    synchronized void done(Entry entry) {
        if (inFlight.peekFirst() == entry) {
            remove(inFlight.removeFirst());
            while (!inFlight.isEmpty() && acknowledged.remove(inFlight.peekFirst())) {
                remove(inFlight.removeFirst());
            }
        } else if (inFlight.contains(entry)) {
            acknowledged.add(entry);
        } else if (unsent.remove(entry)) {
            // Acknowledged after the connection was given up for lost: the broker has it, so it
            // need not go twice.
            remove(entry);
        }
        notifyAll();
    }

    /** Paho would take no more publications now: {@code entry} goes back first, to be published once it will. */
    synchronized void notPublished(Entry entry) {
        if (inFlight.peekLast() == entry) {
            inFlight.removeLast();
            unsent.addFirst(entry);
        }
    }

    /**
     * The connection was lost with packets in flight: those not acknowledged go back before the
     * unpublished ones, in their order, to be published again (at least once, as QoS 1 promises).
     *
     * @return how many go again
     */
    synchronized int publishAgain() {
        int again = 0;
        for (Iterator<Entry> last = inFlight.descendingIterator(); last.hasNext(); ) {
            Entry entry = last.next();
            if (acknowledged.remove(entry)) {
                remove(entry);
            } else {
                unsent.addFirst(entry);
                again++;
            }
        }
        inFlight.clear();
        notifyAll();
        return again;
    }

    /** Something {@link #nextToPublish(int, long, Predicate)} waits for may have changed. */
    synchronized void wakeUp() {
        notifyAll();
    }

    /** The next packet to publish, not taken; null if none waits. */
    synchronized Entry firstUnsent() {
        return unsent.peekFirst();
    }

    /** Waits until an acknowledgement comes, at most {@code timeoutMillis}. */
    synchronized void awaitAcknowledgement(long timeoutMillis) throws InterruptedException {
        if (!inFlight.isEmpty()) {
            wait(timeoutMillis);
        }
    }

    /** Empties the buffer and returns what it held that was not acknowledged, oldest first. */
    synchronized List<Entry> clear() {
        List<Entry> all = new ArrayList<>();
        for (Entry entry : inFlight) {
            if (!acknowledged.contains(entry)) {
                all.add(entry);
            }
        }
        all.addAll(unsent);
        inFlight.clear();
        unsent.clear();
        acknowledged.clear();
        bytes = 0;
        notifyAll();
        return all;
    }

    /** Packets held: waiting, and in flight without an acknowledgement. */
    synchronized int packets() {
        return unsent.size() + inFlight.size() - acknowledged.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    /** Packets published and not yet acknowledged. */
    synchronized int inFlight() {
        return inFlight.size() - acknowledged.size();
    }

    private void remove(Entry entry) {
        bytes -= entry.packet().length;
    }
}
