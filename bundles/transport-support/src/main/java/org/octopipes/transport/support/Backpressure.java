package org.octopipes.transport.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.octopipes.codec.StreamDecoder;

/**
 * Slows senders down to the pace of their recipients, as a pipe does, instead of queueing without
 * end: when a recipient's queue passes a high-water mark, the transport stops reading from the
 * senders that fed it (their writes wait in the kernel and then block) until the queue falls
 * below a low-water mark. A recipient that does not drain for a while is taken for a slow reader
 * and no longer holds anybody up: its queue is then bounded by {@code queue.bytes}, and what does
 * not fit is dropped and counted. Used by the transport's I/O thread only.
 *
 * @param <C> the transport's client, which is both a sender and a recipient
 */
public final class Backpressure<C extends Backpressure.Party<C>> {

    /** Stops and restarts the reading of what a sender writes (its TX FIFO, its socket). */
    public interface Reading<C> {
        void pause(C sender);

        void resume(C sender);
    }

    /** What backpressure needs of a transport's client. */
    public interface Party<C> {
        /** Its backpressure state, owned by {@link Backpressure}. */
        State<C> backpressure();

        boolean isClosed();
    }

    /**
     * One client's part: its queue and decoder, and as a recipient, whether it holds senders up,
     * since when, and whom; as a sender, how many recipients hold it up; and whether it is known
     * to read too slowly.
     */
    public static final class State<C> {
        final Backlog queue;
        final StreamDecoder decoder;
        boolean congested;
        long congestedSince;
        final List<C> heldSenders = new ArrayList<>(2);
        int holders;
        boolean slowReader;

        /**
         * @param queue what is queued for the client: the live queue, not the size published to management
         * @param decoder the decoder of what the client writes, stopped when the client is held up
         */
        public State(Backlog queue, StreamDecoder decoder) {
            this.queue = queue;
            this.decoder = decoder;
        }

        /** Whether any recipient holds this client up as a sender: then nothing is read from it. */
        public boolean heldUp() {
            return holders > 0;
        }

        public int holders() {
            return holders;
        }

        public boolean congested() {
            return congested;
        }

        public boolean slowReader() {
            return slowReader;
        }

        public List<C> heldSenders() {
            return heldSenders;
        }
    }

    /** Bytes queued for a recipient above which its senders wait, unless the queue is smaller. */
    public static final int HIGH_WATER = 256 * 1024;
    /** How long a recipient may hold its senders up without draining to the low-water mark. */
    public static final long SLOW_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Reading<C> reading;
    private final Set<C> congested = new LinkedHashSet<>();
    private final long highWater;
    private final long lowWater;

    /** @param queueBytes the bound of each client's queue: senders wait well before it is reached */
    public Backpressure(Reading<C> reading, int queueBytes) {
        this.reading = reading;
        this.highWater = Math.min(HIGH_WATER, queueBytes / 2);
        this.lowWater = highWater / 4;
    }

    /** A packet from {@code sender} (null: not read from one of the transport's clients) was queued for {@code recipient}. */
    public void queued(C recipient, C sender) {
        State<C> to = recipient.backpressure();
        if (to.slowReader || to.queue.bytes() <= highWater) {
            return;
        }
        if (!to.congested) {
            to.congested = true;
            to.congestedSince = System.nanoTime();
            congested.add(recipient);
        }
        if (sender != null && sender != recipient && !to.heldSenders.contains(sender)) {
            to.heldSenders.add(sender);
            if (sender.backpressure().holders++ == 0) {
                reading.pause(sender);
            }
            // The rest of what was read from it waits in its decoder, not in the recipient's queue.
            sender.backpressure().decoder.stop();
        }
    }

    /** Some of {@code recipient}'s queue went out. */
    public void drained(C recipient) {
        State<C> state = recipient.backpressure();
        if (state.congested && state.queue.bytes() < lowWater) {
            release(recipient);
        }
        if (state.slowReader && state.queue.isEmpty()) {
            state.slowReader = false;
        }
    }

    /** Recipients that held their senders too long become slow readers; returns them, for the log. */
    public List<C> findSlowReaders(long now) {
        List<C> slow = new ArrayList<>();
        for (C recipient : new ArrayList<>(congested)) {
            State<C> state = recipient.backpressure();
            if (now - state.congestedSince > SLOW_AFTER_NANOS) {
                state.slowReader = true;
                release(recipient);
                slow.add(recipient);
            }
        }
        return slow;
    }

    /** Nanoseconds until the next recipient might become a slow reader, or -1 if none is congested. */
    public long nanosToNextCheck(long now) {
        long next = -1;
        for (C recipient : congested) {
            long left = Math.max(0, recipient.backpressure().congestedSince + SLOW_AFTER_NANOS - now);
            next = next < 0 ? left : Math.min(next, left);
        }
        return next;
    }

    /** A client leaves: whoever it held goes on, and nobody waits for it any more. */
    public void forget(C client) {
        if (client.backpressure().congested) {
            release(client);
        }
        for (C recipient : congested) {
            recipient.backpressure().heldSenders.remove(client);
        }
    }

    private void release(C recipient) {
        State<C> state = recipient.backpressure();
        state.congested = false;
        congested.remove(recipient);
        for (C sender : state.heldSenders) {
            if (--sender.backpressure().holders == 0 && !sender.isClosed()) {
                reading.resume(sender);
            }
        }
        state.heldSenders.clear();
    }
}
