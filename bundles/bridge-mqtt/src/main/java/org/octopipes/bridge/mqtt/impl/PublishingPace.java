package org.octopipes.bridge.mqtt.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.transport.Sender;

/**
 * Paces the local senders of exported packets to the speed at which the bridge publishes them,
 * as a slow reader paces its senders: while the broker is connected and the buffer is past its
 * high-water mark, the senders that fed it are held up until it falls below a quarter of that.
 * The buffer and its drops are for a broker that cannot be reached: then, and for a bridge that
 * has not caught up within a second (the slow-reader rule of the transports), nobody is held.
 * Thread-safe: router threads offer, the publishing thread drains.
 */
final class PublishingPace {

    /** Bytes in the buffer above which senders wait, unless the buffer is smaller. */
    static final long HIGH_WATER_BYTES = 256 * 1024;
    /** How long the bridge may hold senders up without draining to the low-water mark. */
    static final long SLOW_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long highBytes;
    private final int highPackets;
    private final List<Sender> held = new ArrayList<>();
    private long heldSince;
    private boolean slow;

    PublishingPace(int bufferPackets, long bufferBytes) {
        this.highBytes = Math.min(HIGH_WATER_BYTES, bufferBytes / 2);
        this.highPackets = Math.max(1, bufferPackets / 2);
    }

    /**
     * Whether a packet from {@code sender} would be paced now, the sender held up rather than the
     * packet dropped when the buffer is full: while the broker is connected, for a sender that can
     * be held, unless the bridge is a slow reader (then it drops, as a slow client's queue does).
     */
    synchronized boolean paces(Sender sender, boolean brokerConnected) {
        return brokerConnected && !slow && sender != Sender.NONE;
    }

    /** A packet from {@code sender} was buffered; the buffer now holds {@code packets} and {@code bytes}. */
    synchronized void buffered(Sender sender, int packets, long bytes, boolean brokerConnected) {
        if (!brokerConnected || slow || sender == Sender.NONE || (packets <= highPackets && bytes <= highBytes)) {
            return;
        }
        if (held.isEmpty()) {
            heldSince = System.nanoTime();
        }
        if (!held.contains(sender)) {
            held.add(sender);
            sender.hold();
        }
    }

    /**
     * The publishing thread published or dropped some of the buffer, or waited for packets.
     *
     * @return true if the bridge just became a slow reader, for the log
     */
    synchronized boolean drained(int packets, long bytes, long nowNanos) {
        boolean becameSlow = false;
        if (!held.isEmpty()) {
            if (packets < highPackets / 4 && bytes < highBytes / 4) {
                releaseAll();
            } else if (nowNanos - heldSince > SLOW_AFTER_NANOS) {
                slow = true;
                becameSlow = true;
                releaseAll();
            }
        }
        if (slow && packets == 0) {
            slow = false;
        }
        return becameSlow;
    }

    /** The broker went away, or the bridge stops: every held sender goes on. */
    synchronized void releaseAll() {
        for (Sender sender : held) {
            sender.release();
        }
        held.clear();
    }
}
