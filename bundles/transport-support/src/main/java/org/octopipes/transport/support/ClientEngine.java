package org.octopipes.transport.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Delivery;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.osgi.service.log.Logger;

/**
 * The part of a transport's I/O thread that is the same for every transport: queueing what the
 * router offers (from the I/O thread or any other), writing it in as few writes as the client's
 * connection takes, dropping what missed its deadline, backpressure, and tasks other threads hand
 * the I/O thread. A transport supplies only its readiness source (epoll, a {@code Selector}), its
 * reads and writes ({@link Io}) and its handshake, and calls {@link #turn} once per wake-up.
 *
 * <p>The path of a packet: the transport reads it from its sender and hands it to the router;
 * the router offers it to each recipient's outlet with its {@link Delivery}; {@link #offer}
 * queues it (straight into the queue on the I/O thread, through the recipient's {@link Inbox}
 * from elsewhere) and holds the sender up if the queue is past its high-water mark; at the end of
 * the round {@link #turn} writes each queue that changed.
 *
 * @param <C> the transport's client
 */
public final class ClientEngine<C extends EngineClient<C>> {

    /** What the engine needs of the transport: its I/O on a client's connection. */
    public interface Io<C> {
        /** Writes what the client's connection takes of {@code bytes}; returns that many, 0 if none. */
        int write(C client, ByteBuffer bytes) throws IOException;

        /** Watches, or stops watching, the client's connection for room to write. */
        void watchRoom(C client, boolean watch) throws IOException;

        /** Stops reading what the client writes (a recipient holds it up), or reads it again. */
        void watchReads(C client, boolean read);

        /** Reads and routes what the client wrote: it may go on after a hold, and its decoder may hold whole packets. */
        void read(C client);

        /** After a write to the client, what the transport itself keeps track of; may close the client. */
        void written(C client, long queuedBefore);

        /** Lets go of a client whose connection failed. */
        void close(C client, String why);

        /** Wakes the I/O thread up from its wait for readiness. */
        void wakeUp();
    }

    /** How long a change handed to the I/O thread (a router change, say) may wait for it. */
    private static final long WAIT_SECONDS = 10;

    private final String transport;
    private final Io<C> io;
    private final Logger logger;
    private final int queueBytes;
    private final Backpressure<C> backpressure;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<C> dirty = new ArrayList<>();
    /** Clients with bytes waiting for room in their connection; their deadlines need watching. */
    private final Set<C> backlogged = new LinkedHashSet<>();
    /** Senders no longer held up, whose decoders may hold packets to route. */
    private final ArrayDeque<C> resumed = new ArrayDeque<>();
    private final Backpressure.InboxTaken<C> inboxTaken = new Backpressure.InboxTaken<>() {
        @Override
        public OutboundQueue queueOf(C client) {
            return client.queue;
        }

        @Override
        public void taken(C client) {
            client.publishQueueSize();
            markDirty(client);
        }

        @Override
        public void gone(C client, int packets) {
            client.dropped(DropReason.CLIENT_GONE, packets);
        }
    };
    private volatile Thread ioThread;
    /** Whether a run for a client with nothing queued is written straight from the sender's read; see {@link #writeThrough(boolean)}. */
    private boolean writeThrough = true;
    /** The view of the decoders' buffers that writes straight from a run go through, reused: no garbage per write. */
    private ByteBuffer runView;

    /**
     * @param transport the transport's name, for the log
     * @param queueBytes the bound of each client's queue
     */
    public ClientEngine(String transport, Io<C> io, Logger logger, int queueBytes) {
        this.transport = transport;
        this.io = io;
        this.logger = logger;
        this.queueBytes = queueBytes;
        this.backpressure = new Backpressure<>(new Backpressure.Reading<C>() {
            @Override
            public void pause(C sender) {
                io.watchReads(sender, false);
            }

            @Override
            public void resume(C sender) {
                io.watchReads(sender, true);
                // Packets it had sent may wait in its decoder, where readiness does not show them.
                resumed.add(sender);
            }

            @Override
            public boolean onIoThread() {
                return ClientEngine.this.onIoThread();
            }

            @Override
            public void execute(Runnable task) {
                runLater(task);
            }

            @Override
            public void wakeUp() {
                io.wakeUp();
            }
        }, queueBytes);
    }

    /**
     * Whether a run offered on the I/O thread to a client with nothing queued is written to its
     * connection at once, straight from the sender's read, as a relay writes what it read, with
     * only what the connection does not take copied into the queue (on by default). Off for a
     * transport that writes to a connection outside the queue (the FIFO transport's splicer).
     * Before {@link #start}.
     */
    public void writeThrough(boolean on) {
        writeThrough = on;
    }

    /** Starts the I/O thread, a daemon that runs {@code loop}: the only one that may call what says "I/O thread". */
    public void start(String threadName, Runnable loop) {
        Thread thread = new Thread(loop, threadName);
        thread.setDaemon(true);
        ioThread = thread;
        thread.start();
    }

    /**
     * Wakes the I/O thread up and waits up to {@value #WAIT_SECONDS} s for it to end, once the
     * transport told its loop to stop.
     *
     * @return whether it ended (or never started)
     */
    public boolean awaitEnd() {
        Thread thread = ioThread;
        if (thread == null) {
            return true;
        }
        io.wakeUp();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** The client's connection as its queue writes to it. */
    OutboundQueue.Sink connectionOf(C client) {
        return bytes -> io.write(client, bytes);
    }

    /** Whether the I/O thread was started. */
    public boolean started() {
        return ioThread != null;
    }

    public boolean onIoThread() {
        return Thread.currentThread() == ioThread;
    }

    Backpressure<C> backpressure() {
        return backpressure;
    }

    /** Whether the client is a congested recipient, or known to read too slowly, for a test's message. */
    public String describe(C client) {
        Backpressure.State<C> state = client.backpressure();
        return "holders=" + state.holders() + " congested=" + state.congested() + " slow=" + state.slowReader() + " queue=" + client.queue
                + " waitingForRoom=" + client.waitingForRoom + " heldSenders=" + state.heldSenders();
    }

    // ---- Any thread

    /** Queues a packet for {@code target}, holding its sender up if the queue is past its high-water mark; any thread. */
    public boolean offer(C target, Frame packet, Delivery delivery) {
        if (!onIoThread()) {
            // Another transport's thread, a bridge's, management's: through the inbox, which holds
            // the sender up as this thread would.
            return backpressure.offerFromElsewhere(target, packet, delivery, target.queuedBytes());
        }
        if (target.closed) {
            target.dropped(DropReason.CLIENT_GONE, 1);
            return true;
        }
        if (target.inbox.bytes() > 0) {
            // What other threads offered goes first: it may be this very sender's earlier packets,
            // routed from elsewhere while its own thread did not route (the sessions hand a new
            // router what waited for it), and what the sender routes now must not overtake them.
            backpressure.takeInbox(target, inboxTaken);
        }
        if (!target.queue.offer(packet, delivery.deadlineNanos())) {
            // Packets pile up during one round of reads before the round's writes; write now what
            // has piled up, so that only a client that really does not read loses packets.
            flushNow(target);
            if (target.closed || !target.queue.offer(packet, delivery.deadlineNanos())) {
                return false;
            }
        }
        // The size is published once per round, after the write: two volatile stores per packet
        // cost the I/O thread 130 instead of 118 ns per delivery (load harness, one-to-one).
        backpressure.queued(target, delivery.sender());
        markDirty(target);
        return true;
    }

    /**
     * Queues every packet of a run for {@code target} with one copy (into its inbox from another
     * thread), if the client is not behind (what is queued for it is within the high-water mark)
     * and the run keeps it within its {@linkplain Backpressure#runCeiling() run ceiling}; otherwise
     * queues none, for the router to offer them one by one, so that a client that is behind holds
     * its sender up after the packet that made it fall behind. The run that crosses the mark holds
     * its sender up after it.
     *
     * @return whether the whole run was queued
     */
    public boolean offer(C target, FrameRun run, Delivery delivery) {
        if (!onIoThread()) {
            return backpressure.offerFromElsewhere(target, run, delivery, target.queuedBytes());
        }
        if (target.closed) {
            return false;
        }
        if (target.inbox.bytes() > 0) {
            backpressure.takeInbox(target, inboxTaken);
        }
        // Within the ceiling, so that what the connection does not take is what the queue would have taken.
        if (writeThrough && target.queue.isEmpty() && !target.waitingForRoom && run.size() <= backpressure.runCeiling()) {
            writeStraight(target, run, delivery);
            return true;
        }
        long queued = target.queue.bytes();
        if (queued > backpressure.highWater() || queued + run.size() > backpressure.runCeiling() || !target.queue.offer(run, delivery.deadlineNanos())) {
            return false;
        }
        backpressure.queued(target, delivery.sender());
        markDirty(target);
        return true;
    }

    /**
     * Writes a run to a client with nothing queued at once, from the sender's read: the copy into
     * the queue and back out, a tenth of a 4 KiB delivery, saved. What the connection does not
     * take is queued, its first packet begun, and written when there is room, as any queue is.
     */
    private void writeStraight(C target, FrameRun run, Delivery delivery) {
        runView = run.wrap(runView);
        int written;
        try {
            written = io.write(target, runView);
        } catch (IOException e) {
            io.close(target, "writing to it failed: " + e.getMessage());
            target.dropped(DropReason.CLIENT_GONE, run.count());
            return;
        }
        int packets = run.count();
        int complete = 0;
        int begun = written;
        while (complete < packets && begun >= run.sizeOf(complete)) {
            begun -= run.sizeOf(complete);
            complete++;
        }
        if (complete > 0) {
            target.delivered(complete);
        }
        if (complete < packets) {
            target.queue.offerRest(run, complete, begun, delivery.deadlineNanos());
            backpressure.queued(target, delivery.sender());
            target.publishQueueSize();
        }
        io.written(target, run.size());
        if (complete < packets && !target.closed) {
            // The connection took less than all: it is full, and another write now would only be refused.
            try {
                watchRoom(target);
            } catch (IOException e) {
                io.close(target, "watching it for room failed: " + e.getMessage());
            }
        }
    }

    /** Runs {@code task} on the I/O thread soon; any thread. */
    public void runLater(Runnable task) {
        tasks.add(task);
        io.wakeUp();
    }

    /**
     * Runs {@code work} on the I/O thread and returns once it ran there, so that the caller can
     * rely on what it changed (no more calls to a router that went, say). Runs it at once where
     * there is no I/O thread (not started, or ended) or the caller is that thread.
     *
     * @throws IllegalStateException if the work failed on the I/O thread
     */
    public void runAndWait(Runnable work) {
        Thread thread = ioThread;
        if (thread == null || !thread.isAlive() || Thread.currentThread() == thread) {
            work.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        runLater(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        try {
            done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the " + transport + " I/O thread failed to make a change", e.getCause());
        } catch (TimeoutException e) {
            if (thread.isAlive()) {
                logger.error("The {} I/O thread did not take a change within {} s", transport, WAIT_SECONDS);
            }
        }
    }

    // ---- The I/O thread

    /**
     * One round of the I/O thread's work after the readiness events: other threads' tasks and
     * packets, deadlines, the writes of every queue that changed, slow readers, and the senders
     * that may go on.
     */
    public void turn() {
        runTasks();
        long now = System.nanoTime();
        expireBacklogs(now);
        flushDirty();
        List<C> slowReaders = backpressure.findSlowReaders(now);
        // Indexed: an iterator, even over nothing, is garbage at every wake-up.
        for (int i = 0; i < slowReaders.size(); i++) {
            C slow = slowReaders.get(i);
            logger.warn("{} reads too slowly: its senders no longer wait for it, and what does not fit its queue of {} bytes is dropped",
                    slow, queueBytes);
        }
        while (!resumed.isEmpty()) {
            C sender = resumed.poll();
            if (!sender.closed && !sender.heldUp()) {
                io.read(sender);
                flushDirty();
            }
        }
    }

    /** Runs what other threads handed over, and takes what they offered; also when stopping. */
    public void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException e) {
                logger.error("A task on the {} I/O thread failed", transport, e);
            }
        }
        backpressure.takeInboxes(inboxTaken);
    }

    /** Whether the next wait for readiness must not block: a sender to read again, or packets to take. */
    public boolean workWaiting() {
        return !resumed.isEmpty() || backpressure.inboxesWaiting();
    }

    /** Nanoseconds until the engine must run a round even without readiness (a deadline, a slow-reader check), or -1. */
    public long nanosToNextDeadline(long now) {
        long earliest = OutboundQueue.NO_DEADLINE;
        // Asked at every wake-up: no iterator unless something waits (garbage is pauses, and pauses are the tail).
        if (!backlogged.isEmpty()) {
            for (C client : backlogged) {
                earliest = Math.min(earliest, client.queue.earliestDeadline());
            }
        }
        long check = backpressure.nanosToNextCheck(now);
        if (check >= 0) {
            earliest = Math.min(earliest, now + check);
        }
        return earliest == OutboundQueue.NO_DEADLINE ? -1 : Math.max(0, earliest - now);
    }

    /** Reads the client at the end of this round: it may go on, and its decoder may hold packets that readiness does not show. */
    public void readSoon(C client) {
        resumed.add(client);
    }

    /** Writes the client's queue at the end of this round. */
    public void markDirty(C client) {
        if (!client.dirty) {
            client.dirty = true;
            dirty.add(client);
        }
    }

    /** Writes what its connection takes now; lets it go if that fails. Its connection has room, say. */
    public void flushNow(C client) {
        try {
            flush(client);
        } catch (IOException e) {
            io.close(client, "writing to it failed: " + e.getMessage());
        }
    }

    /**
     * The client leaves: nobody waits for it any more, whom it held goes on, and what was queued
     * for it is dropped and reported as {@code CLIENT_GONE}. The transport closes its connection.
     */
    public void leave(C client) {
        client.closed = true;
        backlogged.remove(client);
        backpressure.forget(client);
        int dropped = client.queue.clear();
        client.publishQueueSize();
        if (dropped > 0) {
            client.dropped(DropReason.CLIENT_GONE, dropped);
        }
    }

    /**
     * The I/O thread stops, or hands its clients to the next instance of the transport: what other
     * threads handed over is taken, and every sender held goes on (a sender of another transport
     * would otherwise wait for a release that never comes).
     */
    public void stopping() {
        runTasks();
        backpressure.releaseAll();
    }

    /**
     * Writes now every queue that changed since the last write: after each read of a busy sender,
     * so that its recipients read while the I/O thread reads on, as a relay's write after each
     * read lets them, instead of waiting for the end of the round.
     */
    public void flushDirty() {
        for (int i = 0; i < dirty.size(); i++) {
            C client = dirty.get(i);
            client.dirty = false;
            if (!client.closed) {
                flushNow(client);
            }
        }
        dirty.clear();
    }

    /** Writes what the connection takes, in one write, after dropping what missed its deadline. */
    private void flush(C client) throws IOException {
        int expired = client.queue.expire(System.nanoTime());
        if (expired > 0) {
            client.dropped(DropReason.TTL_EXPIRED, expired);
        }
        long queuedBefore = client.queue.bytes();
        int written = client.queue.writeTo(client.connection);
        if (written > 0) {
            client.delivered(written);
        }
        backpressure.drained(client);
        client.publishQueueSize();
        io.written(client, queuedBefore);
        if (client.closed) {
            return;
        }
        watchRoom(client);
    }

    /** Watches the client's connection for room while bytes wait for it, and stops when none do. */
    private void watchRoom(C client) throws IOException {
        boolean waiting = !client.queue.isEmpty();
        if (waiting != client.waitingForRoom) {
            client.waitingForRoom = waiting;
            if (waiting) {
                backlogged.add(client);
            } else {
                backlogged.remove(client);
            }
            io.watchRoom(client, waiting);
        }
    }

    private void expireBacklogs(long now) {
        if (backlogged.isEmpty()) {
            return;
        }
        for (C client : backlogged) {
            if (now >= client.queue.earliestDeadline()) {
                int expired = client.queue.expire(now);
                if (expired > 0) {
                    client.dropped(DropReason.TTL_EXPIRED, expired);
                    client.publishQueueSize();
                    markDirty(client);
                }
            }
        }
    }
}
