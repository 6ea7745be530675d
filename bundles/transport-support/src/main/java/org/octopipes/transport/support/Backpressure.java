package org.octopipes.transport.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.StreamDecoder;

/**
 * Slows senders down to the pace of their recipients, as a pipe does, instead of queueing without
 * end: when a recipient's queue passes a high-water mark, it {@linkplain Sender#hold() holds} up
 * the senders that fed it (their transports stop reading them, so their writes wait in the kernel
 * and then block) until the queue falls below a low-water mark. Senders are handles
 * ({@link Sender}), so a recipient holds up a sender of any transport or a bridge just as it holds
 * up one of its own transport's clients. A recipient that does not drain for a while is taken for a
 * slow reader and no longer holds anybody up: its queue is then bounded by {@code queue.bytes},
 * and what does not fit is dropped and counted.
 *
 * <p>One instance per transport I/O thread; everything but the {@link Sender} handles and the
 * slow-reader flag belongs to that thread.
 *
 * @param <C> the transport's client, which is both a sender and a recipient
 */
public final class Backpressure<C extends Backpressure.Party<C>> {

    /** How the transport stops and restarts the reading of what a sender writes (its TX FIFO, its socket). */
    public interface Reading<C> {
        /** Stops reading {@code sender}; I/O thread. */
        void pause(C sender);

        /** Reads {@code sender} again, what waits in its decoder first; I/O thread. */
        void resume(C sender);

        /** Whether the caller is the transport's I/O thread. */
        boolean onIoThread();

        /** Runs {@code task} on the I/O thread soon, waking it up. */
        void execute(Runnable task);

        /** Wakes the I/O thread up: an inbox has packets for it to take. */
        void wakeUp();
    }

    /** What the I/O thread does with a client whose inbox it emptied. */
    public interface InboxTaken<C> {
        /** Its queue, into which the inbox is moved. */
        OutboundQueue queueOf(C client);

        /** The packets moved into the queue of a client that is still there: write them soon. */
        void taken(C client);

        /** The client left before its inbox was taken: its {@code packets} are dropped, for it to count. */
        void gone(C client, int packets);
    }

    /** What backpressure needs of a transport's client. */
    public interface Party<C> {
        /** Its backpressure state, owned by {@link Backpressure}. */
        State<C> backpressure();

        boolean isClosed();
    }

    /**
     * One client's part. As a recipient: what is queued for it, whether it holds senders up, since
     * when, and whom, and whether it is known to read too slowly. As a sender: its handle, how
     * many recipients hold it up, and whether its reading is paused.
     */
    public static final class State<C> {
        final Backlog queue;
        final Inbox inbox;
        final StreamDecoder decoder;
        boolean congested;
        long congestedSince;
        final List<Sender> heldSenders = new ArrayList<>(2);
        /** Read by other threads' offers, which then hold nobody up. */
        volatile boolean slowReader;
        final AtomicInteger holders = new AtomicInteger();
        boolean paused;
        Sender sender;

        /**
         * @param queue what is queued for the client on the I/O thread: the live queue, not the size published to management
         * @param inbox what other threads offered it and the I/O thread has not taken yet
         * @param decoder the decoder of what the client writes, stopped when the client is held up
         */
        public State(Backlog queue, Inbox inbox, StreamDecoder decoder) {
            this.queue = queue;
            this.inbox = inbox;
            this.decoder = decoder;
        }

        /** Whether any recipient holds this client up as a sender: then nothing is read from it. */
        public boolean heldUp() {
            return holders.get() > 0;
        }

        public int holders() {
            return holders.get();
        }

        public boolean congested() {
            return congested;
        }

        public boolean slowReader() {
            return slowReader;
        }

        public List<Sender> heldSenders() {
            return heldSenders;
        }

        long queuedBytes() {
            return queue.bytes() + inbox.bytes();
        }
    }

    /** Bytes queued for a recipient above which its senders wait, unless the queue is smaller. */
    public static final int HIGH_WATER = 256 * 1024;
    /** How long a recipient may hold its senders up without draining to the low-water mark. */
    public static final long SLOW_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Reading<C> reading;
    private final Set<C> congested = new LinkedHashSet<>();
    /** Clients whose inbox other threads put packets into, for the I/O thread to take. */
    private final Queue<C> inboxesToTake = new ConcurrentLinkedQueue<>();
    /** The senders an inbox held up, on their way to its client's state; I/O thread. */
    private final List<Sender> heldByInbox = new ArrayList<>();
    private final int queueBytes;
    private final long highWater;
    private final long lowWater;

    /** @param queueBytes the bound of each client's queue: senders wait well before it is reached */
    public Backpressure(Reading<C> reading, int queueBytes) {
        this.reading = reading;
        this.queueBytes = queueBytes;
        this.highWater = Math.min(HIGH_WATER, queueBytes / 2);
        this.lowWater = highWater / 4;
    }

    /** Queued bytes above which a recipient holds its senders up. */
    public long highWater() {
        return highWater;
    }

    /**
     * Queued bytes a whole run may take a recipient to, from at most {@code highWater}: half the
     * room between the mark and the bound, so that the other half stays for what other senders,
     * the sessions or a relay hand the recipient before their holds take effect. (Up to the bound,
     * one sender's run could leave no room for them; at the mark, a recipient that is near it, as
     * one that sets the pace is, would see every run declined and every packet routed alone.)
     */
    static long runCeiling(long bound, long highWater) {
        return highWater + (bound - highWater) / 2;
    }

    /** {@link #runCeiling(long, long)} of this engine's queues. */
    public long runCeiling() {
        return runCeiling(queueBytes, highWater);
    }

    /** The client as a sender that any recipient can hold up, from any thread; made on the I/O thread. */
    public Sender sender(C client) {
        State<C> state = client.backpressure();
        if (state.sender == null) {
            state.sender = new ClientSender(client);
        }
        return state.sender;
    }

    /**
     * Queues a packet for {@code recipient} from a thread other than the I/O thread (another
     * transport's, a bridge's, management's), through its {@link Inbox}, which holds the sender up
     * as the I/O thread would; wakes the I/O thread up to take it.
     *
     * @param published bytes queued for the recipient on the I/O thread, as last published
     * @return false if the packet does not fit the recipient's queue bound
     */
    public boolean offerFromElsewhere(C recipient, Frame packet, Delivery delivery, long published) {
        State<C> to = recipient.backpressure();
        return announced(recipient, to.inbox.offer(packet, delivery, published, queueBytes, highWater, to.slowReader));
    }

    /**
     * Queues a whole run for {@code recipient} from a thread other than the I/O thread, as
     * {@link #offerFromElsewhere(EngineClient, Frame, Delivery, long)} does a packet.
     *
     * @return false, queueing none, if the recipient is behind or the run would take it past its
     *         {@linkplain #runCeiling() run ceiling}
     */
    public boolean offerFromElsewhere(C recipient, FrameRun run, Delivery delivery, long published) {
        State<C> to = recipient.backpressure();
        return announced(recipient, to.inbox.offer(run, delivery, published, queueBytes, highWater, to.slowReader));
    }

    private boolean announced(C recipient, Inbox.Offered offered) {
        switch (offered) {
            case FULL:
                return false;
            case QUEUED_FIRST:
                inboxesToTake.add(recipient);
                reading.wakeUp();
                return true;
            default:
                return true;
        }
    }

    /** Whether an inbox waits for {@link #takeInboxes}. */
    public boolean inboxesWaiting() {
        return !inboxesToTake.isEmpty();
    }

    /** Moves what other threads offered into the clients' queues, with the holds it made; I/O thread. */
    public void takeInboxes(InboxTaken<C> taken) {
        for (C client; (client = inboxesToTake.poll()) != null; ) {
            takeInbox(client, taken);
        }
    }

    /**
     * Moves what other threads offered {@code client} into its queue now, ahead of its turn; I/O
     * thread. (Its turn still comes, and finds the inbox empty.)
     */
    public void takeInbox(C client, InboxTaken<C> taken) {
        OutboundQueue queue = taken.queueOf(client);
        client.backpressure().inbox.moveTo(queue, heldByInbox);
        if (client.isClosed()) {
            int packets = queue.clear();
            heldByInbox.forEach(Sender::release);
            heldByInbox.clear();
            if (packets > 0) {
                taken.gone(client, packets);
            }
            return;
        }
        adopt(client, heldByInbox);
        taken.taken(client);
    }

    /** A packet from {@code sender} was queued for {@code recipient} on the I/O thread. */
    public void queued(C recipient, Sender sender) {
        State<C> to = recipient.backpressure();
        if (to.slowReader || to.queuedBytes() <= highWater) {
            return;
        }
        congest(to, recipient);
        if (sender != Sender.NONE && sender != to.sender && !to.heldSenders.contains(sender)) {
            to.heldSenders.add(sender);
            sender.hold();
        }
    }

    /**
     * What other threads offered {@code recipient} was moved from its inbox into its queue,
     * together with {@code held}, the senders those offers held up: now {@code recipient} holds
     * them like the senders of its own thread, and releases them on the same terms.
     */
    void adopt(C recipient, List<Sender> held) {
        State<C> to = recipient.backpressure();
        for (Sender sender : held) {
            if (to.slowReader || sender == to.sender || to.heldSenders.contains(sender)) {
                // Held twice (once from each side of the inbox), or no longer to be held at all.
                sender.release();
            } else {
                to.heldSenders.add(sender);
                congest(to, recipient);
            }
        }
        held.clear();
        drained(recipient);
    }

    private void congest(State<C> state, C recipient) {
        if (!state.congested) {
            state.congested = true;
            state.congestedSince = System.nanoTime();
            congested.add(recipient);
        }
    }

    /** Some of {@code recipient}'s queue went out. */
    public void drained(C recipient) {
        State<C> state = recipient.backpressure();
        if (state.congested && state.queuedBytes() < lowWater) {
            release(recipient);
        }
        if (state.slowReader && state.queuedBytes() == 0) {
            state.slowReader = false;
        }
    }

    /** Recipients that held their senders too long become slow readers; returns them, for the log. */
    public List<C> findSlowReaders(long now) {
        if (congested.isEmpty()) {
            // The common case, once per wake-up of the I/O thread: nothing to copy.
            return List.of();
        }
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
        if (congested.isEmpty()) {
            // Every wake-up asks: an iterator over nothing would be garbage, and garbage is pauses.
            return -1;
        }
        long next = -1;
        for (C recipient : congested) {
            long left = Math.max(0, recipient.backpressure().congestedSince + SLOW_AFTER_NANOS - now);
            next = next < 0 ? left : Math.min(next, left);
        }
        return next;
    }

    /** A client leaves: whoever it held goes on, and none of this thread's recipients waits for it any more. */
    public void forget(C client) {
        if (client.backpressure().congested) {
            release(client);
        }
        Sender leaving = client.backpressure().sender;
        if (leaving != null) {
            for (C recipient : congested) {
                recipient.backpressure().heldSenders.remove(leaving);
            }
        }
    }

    /**
     * The I/O thread stops (the transport stops, or hands over to its next instance): every sender
     * held by one of its recipients goes on, those of other transports above all, which would
     * otherwise wait for a release that never comes.
     */
    public void releaseAll() {
        for (C recipient : new ArrayList<>(congested)) {
            release(recipient);
        }
    }

    private void release(C recipient) {
        State<C> state = recipient.backpressure();
        state.congested = false;
        congested.remove(recipient);
        List<Sender> held = new ArrayList<>(state.heldSenders);
        state.heldSenders.clear();
        for (Sender sender : held) {
            sender.release();
        }
    }

    /** Pauses or resumes the reading of {@code client} after its holders changed; I/O thread. */
    private void apply(C client) {
        State<C> state = client.backpressure();
        if (client.isClosed()) {
            return;
        }
        boolean held = state.holders.get() > 0;
        if (held) {
            // The rest of what was read from it waits in its decoder, not in the recipients' queues;
            // also when its reading was paused already: a read may be under way all the same (its
            // readiness came in the same wake-up, or it unsubscribed), and a release whose resume
            // has not run yet leaves it paused.
            state.decoder.stop();
            if (!state.paused) {
                state.paused = true;
                reading.pause(client);
            }
        } else if (state.paused) {
            state.paused = false;
            reading.resume(client);
        }
    }

    /** A client as a sender: counts its holders, and has its transport's I/O thread stop or go on reading it. */
    private final class ClientSender implements Sender {
        private final C client;

        ClientSender(C client) {
            this.client = client;
        }

        @Override
        public void hold() {
            if (client.backpressure().holders.getAndIncrement() == 0) {
                holdersChanged();
            }
        }

        @Override
        public void release() {
            AtomicInteger holders = client.backpressure().holders;
            int before = holders.getAndUpdate(count -> Math.max(0, count - 1));
            if (before == 1) {
                holdersChanged();
            }
        }

        private void holdersChanged() {
            if (reading.onIoThread()) {
                apply(client);
            } else {
                reading.execute(() -> apply(client));
            }
        }

        @Override
        public String toString() {
            return client.toString();
        }
    }
}
