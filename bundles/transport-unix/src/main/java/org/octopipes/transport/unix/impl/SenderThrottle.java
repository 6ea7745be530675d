package org.octopipes.transport.unix.impl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Backpressure with the FIFO transport's rules: a recipient whose queue passes a high-water mark
 * holds up the socket clients that fed it (the transport stops reading their sockets, so their
 * writes wait in the kernel and then block) until it drains below a low-water mark. A recipient
 * that does not drain within a second is a slow reader: it holds nobody up any more, its queue is
 * bounded by {@code queue.bytes}, and what does not fit is dropped and counted. I/O thread only.
 */
final class SenderThrottle {

    /** Stops and restarts reading a sender's socket. */
    interface Reading {
        void pause(SocketClient sender);

        void resume(SocketClient sender);
    }

    /** Bytes queued for a recipient above which its senders wait, unless the queue is smaller. */
    static final int HIGH_WATER = 256 * 1024;
    /** How long a recipient may hold its senders up without draining to the low-water mark. */
    static final long SLOW_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Reading reading;
    private final Set<SocketClient> congested = new LinkedHashSet<>();
    private final long highWater;
    private final long lowWater;

    SenderThrottle(Reading reading, int queueBytes) {
        this.reading = reading;
        this.highWater = Math.min(HIGH_WATER, queueBytes / 2);
        this.lowWater = highWater / 4;
    }

    /** A packet from {@code sender} (null: not read from one of our sockets) was queued for {@code recipient}. */
    void queued(SocketClient recipient, SocketClient sender) {
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
            // What was read from the sender beyond this packet waits in its decoder.
            sender.decoder.stop();
        }
    }

    /** Some of {@code recipient}'s queue went out. */
    void drained(SocketClient recipient) {
        if (recipient.congested && recipient.queue.bytes() < lowWater) {
            release(recipient);
        }
        if (recipient.slowReader && recipient.queue.isEmpty()) {
            recipient.slowReader = false;
        }
    }

    /** Recipients that held their senders too long become slow readers; returns them, for the log. */
    List<SocketClient> findSlowReaders(long now) {
        List<SocketClient> slow = new ArrayList<>();
        for (SocketClient recipient : new ArrayList<>(congested)) {
            if (now - recipient.congestedSince > SLOW_AFTER_NANOS) {
                recipient.slowReader = true;
                release(recipient);
                slow.add(recipient);
            }
        }
        return slow;
    }

    /** Nanoseconds until a recipient might become a slow reader, or -1 if none is congested. */
    long nanosToNextCheck(long now) {
        long next = -1;
        for (SocketClient recipient : congested) {
            long left = Math.max(0, recipient.congestedSince + SLOW_AFTER_NANOS - now);
            next = next < 0 ? left : Math.min(next, left);
        }
        return next;
    }

    /** A client leaves: whoever it held goes on, and nobody waits for it any more. */
    void forget(SocketClient client) {
        if (client.congested) {
            release(client);
        }
        for (SocketClient recipient : congested) {
            recipient.heldSenders.remove(client);
        }
    }

    private void release(SocketClient recipient) {
        recipient.congested = false;
        congested.remove(recipient);
        for (SocketClient sender : recipient.heldSenders) {
            if (--sender.holders == 0 && !sender.closed) {
                reading.resume(sender);
            }
        }
        recipient.heldSenders.clear();
    }
}
