package org.octopipes.transport.fifo.impl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Slows senders down to the pace of their recipients, as a pipe does, instead of queueing without
 * end: when a recipient's queue passes a high-water mark, the transport stops reading the TX FIFOs
 * of the senders that fed it (they block on their own full FIFO) until the queue falls below a
 * low-water mark. A recipient that does not drain for a while is taken for a slow reader and no
 * longer holds anybody up: its queue is then bounded by {@code queue.bytes}, and what does not fit
 * is dropped and counted. Used by the I/O thread only.
 */
final class Backpressure {

    /** Stops and restarts the reading of a sender's TX FIFO. */
    interface Reading {
        void pause(FifoClient sender);

        void resume(FifoClient sender);
    }

    /** Bytes queued for a recipient above which its senders wait, unless the queue is smaller. */
    static final int HIGH_WATER = 256 * 1024;
    /** How long a recipient may hold its senders up without draining to the low-water mark. */
    static final long SLOW_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Reading reading;
    private final Set<FifoClient> congested = new LinkedHashSet<>();
    private final int highWater;
    private final int lowWater;

    /** @param queueBytes the bound of each client's queue: senders wait well before it is reached */
    Backpressure(Reading reading, int queueBytes) {
        this.reading = reading;
        this.highWater = Math.min(HIGH_WATER, queueBytes / 2);
        this.lowWater = highWater / 4;
    }

    /** A packet from {@code sender} (null: not from a TX FIFO) was queued for {@code recipient}. */
    void queued(FifoClient recipient, FifoClient sender) {
        if (recipient.slowReader || recipient.queue.bytes() <= highWater) {
            return;
        }
        if (!recipient.congested) {
            recipient.congested = true;
            recipient.congestedSince = System.nanoTime();
            congested.add(recipient);
        }
        if (sender != null && sender != recipient && !recipient.heldSenders.contains(sender)) {
            recipient.heldSenders.add(sender);
            if (sender.holders++ == 0) {
                reading.pause(sender);
            }
            // The rest of what was read from it waits in its decoder, not in the recipient's queue.
            sender.decoder.stop();
        }
    }

    /** Some of {@code recipient}'s queue went out. */
    void drained(FifoClient recipient) {
        if (recipient.congested && recipient.queue.bytes() < lowWater) {
            release(recipient);
        }
        if (recipient.slowReader && recipient.queue.isEmpty()) {
            recipient.slowReader = false;
        }
    }

    /** Recipients that held their senders too long become slow readers; returns them, for the log. */
    List<FifoClient> findSlowReaders(long now) {
        List<FifoClient> slow = new ArrayList<>();
        for (FifoClient recipient : new ArrayList<>(congested)) {
            if (now - recipient.congestedSince > SLOW_AFTER_NANOS) {
                recipient.slowReader = true;
                release(recipient);
                slow.add(recipient);
            }
        }
        return slow;
    }

    /** Nanoseconds until the next recipient might become a slow reader, or -1 if none is congested. */
    long nanosToNextCheck(long now) {
        long next = -1;
        for (FifoClient recipient : congested) {
            long left = Math.max(0, recipient.congestedSince + SLOW_AFTER_NANOS - now);
            next = next < 0 ? left : Math.min(next, left);
        }
        return next;
    }

    /** A client leaves: whoever it held goes on, and nobody waits for it any more. */
    void forget(FifoClient client) {
        if (client.congested) {
            release(client);
        }
        for (FifoClient recipient : congested) {
            recipient.heldSenders.remove(client);
        }
    }

    private void release(FifoClient recipient) {
        recipient.congested = false;
        congested.remove(recipient);
        for (FifoClient sender : recipient.heldSenders) {
            if (--sender.holders == 0 && !sender.closed) {
                reading.resume(sender);
            }
        }
        recipient.heldSenders.clear();
    }
}
