package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Router;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.MalformedCapMessageException;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.Protocol;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.posix.FileStatus;
import org.octopipes.posix.FileType;
import org.octopipes.posix.Poller;
import org.octopipes.posix.Posix;
import org.octopipes.posix.ReadyEvents;
import org.octopipes.transport.handover.Parcel;
import org.octopipes.transport.handover.Relay;
import org.octopipes.transport.support.Backpressure;
import org.octopipes.transport.support.OutboundQueue;
import org.octopipes.transport.support.PrivateFolder;
import org.osgi.service.log.Logger;

/**
 * The FIFO transport's engine: owns the CAP and every client's FIFOs, and serves them all from
 * one I/O thread that waits in epoll, so that idle clients cost neither threads nor CPU.
 *
 * <p>The server keeps every FIFO open read-write on its side. A client's open therefore never
 * waits for a peer, a TX FIFO never reports end-of-file when its client closes it (no spinning),
 * and bytes written to an RX FIFO stay there between the reference client's open-read-close calls.
 *
 * <p>The CAP carries requests and replies in turns: while a reply is in it the server does not
 * read it (it would read its own reply) but watches how many bytes it holds; when the reply is
 * collected the next one goes out. Bytes another client writes behind a waiting reply are taken
 * out, handled, and the reply is put back.
 */
final class FifoServer {

    static final String TRANSPORT_NAME = "fifo";

    private static final long CAP_TOKEN = 0;
    /** Reads of one TX FIFO per wake-up before others get their turn. */
    private static final int READS_PER_TURN = 8;
    /** How often a waiting CAP reply is checked: well under the 100 ms the reference client sleeps. */
    private static final long CAP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long a reply may wait in the CAP: the TTL the reference server gives it. */
    /** How long the rest of a packet on the CAP may take: clients write their requests at once. */
    private static final long CAP_PART_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long CAP_REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(Protocol.DEFAULT_CAP_REPLY_TTL);
    private static final int OPEN_FLAGS = Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC | Posix.O_NOFOLLOW;

    private final FifoSettings settings;
    /** Sizes new clients' FIFOs and grows those of the clients that fill them; used by the I/O thread. */
    private final FifoSizes sizes;
    /**
     * The router, or null while there is none (its bundle is being updated): then TX FIFOs and the
     * CAP are not read, and what clients write waits in the pipes. Owned by the I/O thread once it runs.
     */
    private Router router;
    private final Logger logger;
    private final Posix posix = Posix.get();
    private final ReadyEvents events = new ReadyEvents(256);
    private final Map<Long, FifoClient> clientsById = new HashMap<>();
    private final Map<Name, FifoClient> clientsByName = new HashMap<>();
    private final List<FifoClient> dirty = new ArrayList<>();
    /** Clients with bytes waiting for room in their RX FIFO; their deadlines need watching. */
    private final Set<FifoClient> backlogged = new LinkedHashSet<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<CapReply> replies = new ArrayDeque<>();
    private final StreamDecoder capDecoder;
    private final Backpressure<FifoClient> backpressure;
    private final Backpressure.InboxTaken<FifoClient> inboxTaken = new Backpressure.InboxTaken<>() {
        @Override
        public OutboundQueue queueOf(FifoClient client) {
            return client.queue;
        }

        @Override
        public void taken(FifoClient client) {
            client.publishQueueSize();
            markDirty(client);
        }

        @Override
        public void gone(FifoClient client, int packets) {
            client.link.dropped(DropReason.CLIENT_GONE, packets);
        }
    };
    /** Senders no longer held up, whose decoders may hold packets to route. */
    private final ArrayDeque<FifoClient> resumed = new ArrayDeque<>();
    private final FrameHandler capHandler = new CapHandler();
    private Poller poller;
    private int capFd = -1;
    private Thread ioThread;
    private volatile boolean running;
    /** Set when the server stops to hand its state to the next instance instead of letting its clients go. */
    private volatile boolean handingOver;
    /** What the I/O thread packed for the next instance, once it stopped for a handover. */
    private volatile Parcel handedOver;
    /** State of a previous instance, adopted by the I/O thread before it serves. */
    private Parcel adopted;
    /** CAP bytes the previous instance had read and not yet handled; handled at the next read of the CAP. */
    private byte[] capHandedOver;
    private volatile int clientCount;
    private long nextClientId = 1;
    private CapReply replyInCap;
    /** When the CAP decoder last took bytes while a part of a packet stayed pending; 0 if none is. */
    private long capPartSince;
    /**
     * How old a subscription must be before its name can be taken over for want of a process
     * holding its FIFOs: a client opens them only after it has read its assignment.
     */
    long reclaimGraceNanos = TimeUnit.SECONDS.toNanos(10);
    private long lastCapCheck;

    FifoServer(FifoSettings settings, Router router, Logger logger) {
        this.settings = settings;
        this.router = router;
        this.logger = logger;
        this.capDecoder = new StreamDecoder(settings.maxPayload());
        this.sizes = new FifoSizes(posix, logger, settings.pipeSize(), settings.pipeBudget());
        this.backpressure = new Backpressure<>(new Backpressure.Reading<FifoClient>() {
            @Override
            public void pause(FifoClient sender) {
                watchTx(sender, 0);
            }

            @Override
            public void resume(FifoClient sender) {
                // The field, not the constructor's parameter of the same name: the router may have changed since.
                if (FifoServer.this.router == null) {
                    // Reading resumes when a router comes; until then what it writes waits in its FIFO.
                    return;
                }
                watchTx(sender, Poller.READABLE);
                // Packets it had sent may wait in its decoder, where epoll does not see them.
                resumed.add(sender);
            }

            @Override
            public boolean onIoThread() {
                return Thread.currentThread() == ioThread;
            }

            @Override
            public void execute(Runnable task) {
                runLater(task);
            }

            @Override
            public void wakeUp() {
                Poller current = poller;
                if (current != null) {
                    current.wakeup();
                }
            }
        }, settings.queueBytes());
    }

    Backpressure<FifoClient> backpressure() {
        return backpressure;
    }

    /** Runs {@code task} on the I/O thread soon; any thread. */
    private void runLater(Runnable task) {
        tasks.add(task);
        Poller current = poller;
        if (current != null) {
            current.wakeup();
        }
    }

    private void watchTx(FifoClient sender, int events) {
        try {
            poller.modify(sender.txFd, events, sender.txToken());
        } catch (IOException e) {
            logger.warn("Could not {} reading the TX FIFO of '{}'", events == 0 ? "pause" : "resume", sender.name, e);
        }
    }

    /** Every client's state, for a test's failure message; read racily from another thread, so only roughly right. */
    String debugState() {
        StringBuilder b = new StringBuilder("router=" + router + " running=" + running + " resumed=" + resumed.size() + " tasks=" + tasks.size());
        for (FifoClient c : clientsById.values()) {
            b.append("\n ").append(c.name).append(" id=").append(c.id).append(" link=").append(c.link.getClass().getSimpleName()).append(" holders=").append(c.backpressure.holders())
                    .append(" congested=").append(c.backpressure.congested()).append(" slow=").append(c.backpressure.slowReader()).append(" queue=").append(c.queue)
                    .append(" waitingForRoom=").append(c.waitingForRoom).append(" decoderPending=").append(c.decoder.pendingBytes())
                    .append(" handedOverTx=").append(c.handedOverTx == null ? -1 : c.handedOverTx.length).append(" heldSenders=").append(c.backpressure.heldSenders());
        }
        return b.toString();
    }

    int clientCount() {
        return clientCount;
    }

    FifoSettings settings() {
        return settings;
    }

    // ---- Life cycle

    /** Makes the folders and the CAP and starts serving; on failure leaves nothing behind. */
    void start() throws IOException {
        start(null);
    }

    /**
     * Starts serving: with the CAP, the FIFOs and the clients of {@code previous}, the state a
     * previous instance handed over, if it has the same settings; else as {@link #start()} does,
     * after letting the previous instance's clients go.
     */
    void start(Parcel previous) throws IOException {
        if (previous != null) {
            if (settings.toString().equals(previous.state().get(HandoverState.SETTINGS))) {
                adopted = previous;
                capFd = (Integer) previous.state().get(HandoverState.CAP_FD);
                try {
                    poller = Poller.open();
                    poller.register(capFd, 0, CAP_TOKEN);
                } catch (IOException | RuntimeException e) {
                    logger.error("Could not adopt the FIFO transport's state; its clients are let go", e);
                    releaseParcel(previous);
                    throw e;
                }
                startThread();
                logger.info("FIFO transport serving again with the state of the previous instance: CAP {}, {} clients",
                        settings.capPath(), ((List<?>) previous.state().get(HandoverState.CLIENTS)).size());
                return;
            }
            logger.info("The FIFO settings changed while the transport was stopped: the clients of the previous instance are let go");
            releaseParcel(previous);
        }
        Path capFolder = settings.capPath().getParent();
        prepareFolder(capFolder);
        prepareFolder(settings.clientsDir());
        removeStaleFifos();
        removeStaleFifo(settings.capPath());
        posix.mkfifo(settings.capPath(), settings.fifoMode());
        try {
            capFd = posix.open(settings.capPath(), OPEN_FLAGS, 0);
            poller = Poller.open();
            poller.register(capFd, router == null ? 0 : Poller.READABLE, CAP_TOKEN);
        } catch (IOException | RuntimeException e) {
            releaseCap();
            throw e;
        }
        startThread();
        logger.info("FIFO transport serving: CAP {}, clients in {}, mode 0{}", settings.capPath(), settings.clientsDir(),
                Integer.toOctalString(settings.fifoMode()));
    }

    private void startThread() {
        running = true;
        ioThread = new Thread(this::serve, "octopipes-fifo-io");
        ioThread.setDaemon(true);
        ioThread.start();
    }

    private void releaseParcel(Parcel parcel) {
        List<String> failures = parcel.release();
        if (!failures.isEmpty()) {
            logger.error("Letting the previous instance's clients go left behind: {}", failures);
        }
    }

    /**
     * Stops serving without letting anybody go, for the next instance of the transport (the bundle
     * is being updated): returns the state to hand over, with every FIFO still open, or null if
     * the I/O thread failed and let its clients go instead.
     */
    Parcel handOver() {
        handingOver = true;
        stop();
        return handedOver;
    }

    /**
     * The router went away (null) or another one came. Runs on the I/O thread, which routes
     * packets, and waits until it ran there: once this returns the old router gets no more calls.
     */
    void routerChanged(Router next) {
        Thread thread = ioThread;
        if (thread != null && !running) {
            // Stopped, or stopping for a handover: its clients are no longer this instance's to attach.
            return;
        }
        if (thread == null || !thread.isAlive() || Thread.currentThread() == thread) {
            switchRouter(next);
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                switchRouter(next);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        poller.wakeup();
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            logger.error("The FIFO I/O thread did not take the new router within 10 s", e);
        }
    }

    private void switchRouter(Router next) {
        if (next == router) {
            return;
        }
        if (poller == null) {
            // Not serving yet: start() watches what this router allows.
            router = next;
            return;
        }
        if (router != null) {
            // Keep each client with its current groups, management's changes included, for the next router.
            for (FifoClient client : clientsById.values()) {
                client.link = new DetachedLink(client.name, client.link.groups(), client.link, router);
                watchTx(client, 0);
            }
            logger.info("The router went away: the FIFO transport keeps its {} clients and reads nothing until a router comes", clientsById.size());
        }
        router = next;
        if (next != null && running) {
            attachAll();
        }
        watchCap();
    }

    /** Attaches to the router every client that is not attached to it, and starts reading them. */
    private void attachAll() {
        int attached = 0;
        for (FifoClient client : new ArrayList<>(clientsById.values())) {
            if (!(client.link instanceof DetachedLink detached)) {
                continue;
            }
            try {
                ClientLink previous = detached.previousFor(router);
                ClientLink link = previous != null ? previous : router.attach(client.name, detached.groups(), client.relay);
                client.link = link;
                client.relay.link(link);
                attached++;
            } catch (SubscriptionRefusedException e) {
                logger.warn("The router refused '{}' again: {}", client.name, e.getMessage());
                closeClient(client, "the router refused it: " + e.getMessage());
                continue;
            }
            if (!client.backpressure.heldUp()) {
                watchTx(client, Poller.READABLE);
                resumed.add(client);
            }
        }
        if (attached > 0) {
            logger.info("Attached {} FIFO clients to the router", attached);
        }
    }

    /** Reads the CAP only while a router can take subscriptions and no reply of ours is in it. */
    private void watchCap() {
        boolean watch = router != null && replyInCap == null;
        try {
            poller.modify(capFd, watch ? Poller.READABLE : 0, CAP_TOKEN);
        } catch (IOException e) {
            logger.error("Could not {} the CAP {}", watch ? "watch" : "stop watching", settings.capPath(), e);
        }
    }

    /** Stops serving, lets every client go and deletes the CAP and the client FIFOs. */
    void stop() {
        running = false;
        if (poller != null) {
            poller.wakeup();
        }
        if (ioThread != null) {
            try {
                ioThread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (ioThread.isAlive()) {
                logger.error("The FIFO I/O thread did not stop within 10 s; FIFOs may be left in {}", settings.clientsDir());
            }
        }
    }

    private void serve() {
        boolean failed = false;
        try {
            if (adopted != null) {
                adopt(adopted);
                adopted = null;
            }
            while (running) {
                poller.poll(nextTimeoutMillis(), events);
                for (int i = 0; i < events.size(); i++) {
                    dispatch(events.token(i), events.isReadable(i), events.isWritable(i));
                }
                runTasks();
                takeInboxes();
                long now = System.nanoTime();
                checkCapReply(now);
                dropStaleCapPart(now);
                expireBacklogs(now);
                flushDirty();
                for (FifoClient slow : backpressure.findSlowReaders(now)) {
                    logger.warn("Client '{}' reads too slowly: its senders no longer wait for it, and what does not fit its queue of {} bytes is dropped",
                            slow.name, settings.queueBytes());
                }
                while (!resumed.isEmpty()) {
                    FifoClient sender = resumed.poll();
                    if (!sender.closed && !sender.backpressure.heldUp()) {
                        readTxOrLetGo(sender);
                        flushDirty();
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            logger.error("The FIFO transport stopped serving after an unexpected failure; restart it", e);
        } finally {
            if (handingOver && !failed) {
                handedOver = pack();
            } else {
                shutDown();
            }
        }
    }

    private void shutDown() {
        for (FifoClient client : new ArrayList<>(clientsById.values())) {
            closeClient(client, "the FIFO transport is stopping");
        }
        runTasks();
        takeInboxes();
        backpressure.releaseAll();
        releaseCap();
        if (poller != null) {
            poller.close();
        }
        logger.info("FIFO transport stopped; CAP {} removed", settings.capPath());
    }

    private void releaseCap() {
        if (capFd >= 0) {
            closeQuietly(capFd);
            capFd = -1;
        }
        unlinkQuietly(settings.capPath());
    }

    private int nextTimeoutMillis() {
        if (!resumed.isEmpty() || backpressure.inboxesWaiting()) {
            return 0;
        }
        if (replyInCap != null) {
            return 2;
        }
        if (capPartSince != 0) {
            return 50;
        }
        long earliest = OutboundQueue.NO_DEADLINE;
        for (FifoClient client : backlogged) {
            earliest = Math.min(earliest, client.queue.earliestDeadline());
        }
        long now = System.nanoTime();
        long check = backpressure.nanosToNextCheck(now);
        if (check >= 0) {
            earliest = Math.min(earliest, now + check);
        }
        if (earliest == OutboundQueue.NO_DEADLINE) {
            return -1;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(earliest - now) + 1;
        return (int) Math.max(1, Math.min(millis, 1000));
    }

    private void dispatch(long token, boolean readable, boolean writable) {
        if (token == CAP_TOKEN) {
            readCap();
            return;
        }
        FifoClient client = clientsById.get(token >>> 1);
        if (client == null || client.closed) {
            return;
        }
        if ((token & 1) == 0 && readable) {
            readTxOrLetGo(client);
        } else if (writable) {
            flushNow(client);
        }
    }

    private void readTxOrLetGo(FifoClient client) {
        try {
            boolean emptied = readTx(client);
            if (emptied && client.leaving && !client.closed && !client.backpressure.heldUp()) {
                closeClient(client, "it unsubscribed");
            }
        } catch (IOException e) {
            logger.warn("Reading the TX FIFO of '{}' failed; letting it go", client.name, e);
            closeClient(client, "read failed: " + e.getMessage());
        }
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException e) {
                logger.error("A task on the FIFO I/O thread failed", e);
            }
        }
    }

    // ---- Client traffic

    /** Reads and routes what the client wrote, until a recipient holds it up; returns whether its TX FIFO is empty. */
    private boolean readTx(FifoClient client) throws IOException {
        if (router == null) {
            // Nobody to route to: what it wrote waits in its FIFO (and its decoder) for the next router.
            return false;
        }
        ReadableByteChannel tx = channel(client.txFd);
        // One clock read per round of reads gives every packet of the round its deadline and
        // activity time. (A clock read per packet was a third of this thread's time.)
        client.readNanos = System.nanoTime();
        routeHandedOver(client);
        // First what an earlier read left in the decoder when a recipient held this sender up,
        // unless the packets just handed over made a recipient hold it up again.
        if (!client.backpressure.heldUp()) {
            client.decoder.drain(client);
        }
        // Stop once a recipient holds this sender up: what it writes then waits in its FIFO.
        for (int turn = 0; turn < READS_PER_TURN && !client.closed && !client.backpressure.heldUp(); turn++) {
            int count = client.decoder.readFrom(tx, client);
            if (count <= 0) {
                return true;
            }
            // More than half a FIFO since the last read: the client writes about as fast as its
            // FIFO lets it (the read itself is bounded by the decoder's room, so "full" cannot be told).
            if (count >= client.txCapacity / 2 && !client.closed) {
                sizes.txFilled(client);
            }
        }
        return false;
    }

    /** What the previous instance had read from the client's FIFO and not yet routed goes before anything read since. */
    private void routeHandedOver(FifoClient client) {
        if (client.handedOverTx != null) {
            byte[] previous = client.handedOverTx;
            client.handedOverTx = null;
            client.decoder.feed(previous, 0, previous.length, client);
        }
    }

    void malformedFromClient(FifoClient client, PacketError error, long streamOffset) {
        logger.debug("Client '{}' wrote bytes that are not a packet at offset {} of its TX FIFO: {}", client.name, streamOffset, error);
    }

    /** Queues a packet for a client; any thread. */
    boolean offer(FifoClient target, Frame packet, Delivery delivery) {
        if (Thread.currentThread() == ioThread) {
            if (target.closed) {
                target.link.dropped(DropReason.CLIENT_GONE, 1);
                return true;
            }
            if (!target.queue.offer(packet, delivery.deadlineNanos())) {
                // Packets pile up during one round of reads before the round's writes; write now
                // what has piled up, so that only a client that really does not read loses packets.
                flushNow(target);
                if (target.closed || !target.queue.offer(packet, delivery.deadlineNanos())) {
                    return false;
                }
            }
            backpressure.queued(target, delivery.sender());
            markDirty(target);
            return true;
        }
        // Another thread (another transport's, a bridge's, management's): through the client's
        // inbox, which holds the sender up as this thread would.
        return backpressure.offerFromElsewhere(target, packet, delivery, target.queuedBytes());
    }

    /** Moves what other threads offered into the clients' queues; I/O thread. */
    private void takeInboxes() {
        backpressure.takeInboxes(inboxTaken);
    }

    private void markDirty(FifoClient client) {
        if (!client.dirty) {
            client.dirty = true;
            dirty.add(client);
        }
    }

    private void flushDirty() {
        for (int i = 0; i < dirty.size(); i++) {
            FifoClient client = dirty.get(i);
            client.dirty = false;
            if (!client.closed) {
                flushNow(client);
            }
        }
        dirty.clear();
    }

    private void flushNow(FifoClient client) {
        try {
            flush(client);
        } catch (IOException e) {
            logger.warn("Writing to client '{}' failed; letting it go", client.name, e);
            closeClient(client, "write failed: " + e.getMessage());
        }
    }

    /** Writes what the RX FIFO takes, in one write, after dropping what missed its deadline. */
    private void flush(FifoClient client) throws IOException {
        int expired = client.queue.expire(System.nanoTime());
        if (expired > 0) {
            client.link.dropped(DropReason.TTL_EXPIRED, expired);
        }
        long queuedBefore = client.queue.bytes();
        int written = client.queue.writeTo(bytes -> posix.write(client.rxFd, bytes));
        if (written > 0) {
            client.link.delivered(written);
        }
        boolean full = !client.queue.isEmpty();
        if (full && client.rxWasFull && queuedBefore - client.queue.bytes() >= client.rxCapacity / 4) {
            // Its FIFO was full, it read a good part of it, and it is full again: it reads, more
            // slowly than it is sent to. (One that never reads fills its FIFO once, and then the
            // kernel takes no more than the rest of a page now and then.)
            sizes.rxFilled(client);
        }
        client.rxWasFull = full;
        backpressure.drained(client);
        client.publishQueueSize();
        if (!client.queue.isEmpty() && !client.waitingForRoom) {
            poller.register(client.rxFd, Poller.WRITABLE, client.rxToken());
            client.waitingForRoom = true;
            backlogged.add(client);
        } else if (client.queue.isEmpty() && client.waitingForRoom) {
            poller.unregister(client.rxFd);
            client.waitingForRoom = false;
            backlogged.remove(client);
        }
    }

    private void expireBacklogs(long now) {
        for (FifoClient client : backlogged) {
            if (now >= client.queue.earliestDeadline()) {
                int expired = client.queue.expire(now);
                if (expired > 0) {
                    client.link.dropped(DropReason.TTL_EXPIRED, expired);
                    client.publishQueueSize();
                    markDirty(client);
                }
            }
        }
    }


    // ---- The CAP

    private void readCap() {
        try {
            if (capHandedOver != null && router != null) {
                // What the previous instance had read from the CAP and not yet handled comes first.
                byte[] previous = capHandedOver;
                capHandedOver = null;
                capDecoder.feed(previous, 0, previous.length, capHandler);
            }
            ReadableByteChannel cap = channel(capFd);
            while (replyInCap == null && router != null && capDecoder.readFrom(cap, capHandler) > 0) {
                // Each read hands its packets to the CAP handler; stop once a reply is in the CAP.
                capPartSince = capDecoder.pendingBytes() > 0 ? System.nanoTime() : 0;
            }
        } catch (IOException e) {
            logger.error("Reading the CAP {} failed", settings.capPath(), e);
        }
        sendNextReply();
    }

    /**
     * Gives up on a part of a packet that has waited in the CAP decoder too long. A large SUBSCRIPTION
     * may come in parts, but promptly; a part whose rest does not come would otherwise take the
     * next clients' requests as its payload, and nobody could subscribe any more.
     */
    private void dropStaleCapPart(long now) {
        if (capPartSince != 0 && router != null && now - capPartSince > CAP_PART_TIMEOUT_NANOS) {
            capPartSince = 0;
            // Requests that came after the part, inside its announced length, are still served.
            capDecoder.abandonPartial(capHandler);
            capPartSince = capDecoder.pendingBytes() > 0 ? now : 0;
            sendNextReply();
        }
    }

    private final class CapHandler implements FrameHandler {
        @Override
        public void onFrame(Frame frame) {
            handleCapPacket(frame);
        }

        @Override
        public void onError(PacketError error, long streamOffset) {
            dropped(DropReason.MALFORMED, 1, "bytes on the CAP that are not a packet: " + error);
        }
    }

    private void handleCapPacket(Frame frame) {
        Name client = frame.origin();
        if (client.isServer()) {
            takeBackReply(frame);
            return;
        }
        CapMessage message;
        try {
            message = CapMessage.parse(frame.payload());
        } catch (MalformedCapMessageException e) {
            dropped(DropReason.MALFORMED, 1, "a CAP message from '" + client + "': " + e.getMessage());
            if (frame.payloadLength() > 0 && (frame.payload().get(0) & 0xFF) == CapMessage.OBJECT_SUBSCRIPTION) {
                // Answer a broken subscription, so that its client fails now instead of after its timeout.
                queueReply(client, CapMessage.Assignment.failure(AssignmentError.FS));
            }
            return;
        }
        if (message instanceof CapMessage.Subscription) {
            subscribe(client, ((CapMessage.Subscription) message).groups());
        } else if (message instanceof CapMessage.Unsubscription) {
            unsubscribe(client);
        } else {
            dropped(DropReason.UNHANDLED, 1, "an ASSIGNMENT sent to the server by '" + client + "'");
        }
    }

    /**
     * A reply of ours came back through the CAP: a client read a reply meant for another and put
     * it back, as this project's clients do. It goes out again, first, if its client is still here.
     */
    private void takeBackReply(Frame frame) {
        Name client = frame.remote();
        if (clientsByName.containsKey(client) && frame.payloadLength() > 0
                && (frame.payload().get(0) & 0xFF) == CapMessage.OBJECT_ASSIGNMENT) {
            byte[] bytes = new byte[frame.size()];
            frame.copyTo(ByteBuffer.wrap(bytes));
            replies.addFirst(new CapReply(client, bytes));
            logger.debug("The reply to '{}' came back through the CAP; sending it again", client);
        } else {
            dropped(DropReason.UNHANDLED, 1, "a packet on the CAP with the server's empty name as origin, for '" + client + "'");
        }
    }

    private void subscribe(Name name, List<Name> groups) {
        String refusal = ClientNames.refusal(name, settings.maxNameLength());
        if (refusal != null) {
            logger.warn("Refused a subscription: {}", refusal);
            queueReply(name, CapMessage.Assignment.failure(AssignmentError.FS));
            return;
        }
        FifoClient holder = clientsByName.get(name);
        if (holder != null) {
            // The protocol cannot tell the holder's process from another one taking its name; but a
            // holder whose process is gone (killed, crashed) has left its FIFOs open nowhere.
            // A holder that has just subscribed may not have opened its FIFOs yet: give it time first.
            boolean settled = System.nanoTime() - holder.subscribedAt > reclaimGraceNanos;
            if (!settled || FifoHolders.heldByOthers(Set.of(holder.txPath, holder.rxPath),
                    Set.of(Integer.toString(holder.txFd), Integer.toString(holder.rxFd)))) {
                logger.warn("Refused a subscription as '{}': the name is taken", name);
                queueReply(name, CapMessage.Assignment.failure(AssignmentError.NAME_ALREADY_TAKEN));
                return;
            }
            logger.info("'{}' subscribes while its earlier subscription's FIFOs are open in no process: the name is taken over", name);
            closeClient(holder, "no process holds its FIFOs any more, and its name was asked for again");
        }
        String fileName = ClientNames.fileName(name);
        Path txPath = settings.txPath(fileName);
        Path rxPath = settings.rxPath(fileName);
        byte[] txBytes = txPath.toString().getBytes(StandardCharsets.UTF_8);
        byte[] rxBytes = rxPath.toString().getBytes(StandardCharsets.UTF_8);
        if (txBytes.length > 255 || rxBytes.length > 255) {
            logger.warn("Refused a subscription as '{}': its FIFO paths would be longer than the 255 bytes an ASSIGNMENT carries", name);
            queueReply(name, CapMessage.Assignment.failure(AssignmentError.FS));
            return;
        }
        int txFd = -1;
        int rxFd = -1;
        try {
            // The folder may have been deleted under the running server: make it again, under the
            // same ownership and mode rules as at start, rather than refuse everybody from now on.
            prepareFolder(settings.clientsDir());
            makeFifo(txPath);
            makeFifo(rxPath);
            txFd = posix.open(txPath, OPEN_FLAGS, 0);
            rxFd = posix.open(rxPath, OPEN_FLAGS, 0);
            sizes.sizeNew(name, txFd, rxFd);
        } catch (IOException e) {
            // An operating condition (disk full, folder refused), not a bug: the reason, no stack trace.
            logger.warn("Refused a subscription as '{}': its FIFOs could not be made in {}: {}", name, settings.clientsDir(), e.toString());
            discardFifos(txFd, rxFd, txPath, rxPath);
            queueReply(name, CapMessage.Assignment.failure(AssignmentError.FS));
            return;
        }
        FifoClient client = newClient(name, txPath, rxPath, txFd, rxFd);
        sizes.measure(client);
        // The router holds a relay rather than the client itself: the relay outlives this instance
        // of the transport, so that the router keeps the client while the bundle is updated.
        client.relay = new Relay(TRANSPORT_NAME, rxPath.toString(), settings.queueBytes());
        client.relay.resume(client, ioThread);
        ClientLink link;
        try {
            link = router.attach(name, groups, client.relay);
        } catch (SubscriptionRefusedException e) {
            logger.warn("Refused a subscription as '{}': {}", name, e.getMessage());
            discardFifos(txFd, rxFd, txPath, rxPath);
            queueReply(name, CapMessage.Assignment.failure(e.reason() == SubscriptionRefusedException.Reason.NAME_TAKEN
                    ? AssignmentError.NAME_ALREADY_TAKEN : AssignmentError.FS));
            return;
        }
        client.link = link;
        client.relay.link(link);
        clientsById.put(client.id, client);
        clientsByName.put(name, client);
        clientCount = clientsById.size();
        try {
            poller.register(txFd, Poller.READABLE, client.txToken());
        } catch (IOException e) {
            logger.warn("Could not watch the TX FIFO of '{}'; letting it go", name, e);
            closeClient(client, "its TX FIFO cannot be watched");
            queueReply(name, CapMessage.Assignment.failure(AssignmentError.FS));
            return;
        }
        queueReply(name, CapMessage.Assignment.success(txBytes, rxBytes));
    }

    private void unsubscribe(Name name) {
        FifoClient client = clientsByName.get(name);
        if (client == null) {
            dropped(DropReason.UNHANDLED, 1, "an UNSUBSCRIPTION from '" + name + "', who is not subscribed");
            return;
        }
        // What the client wrote before it left is still in its TX FIFO: it goes once that is routed,
        // at the pace of its recipients, as if it were still there (a burst and an UNSUBSCRIPTION
        // right behind it would otherwise overflow a slower recipient's queue).
        client.leaving = true;
        readTxOrLetGo(client);
    }

    /** Lets a client go from any thread: the work happens on the I/O thread. */
    void closeLater(FifoClient client) {
        if (Thread.currentThread() == ioThread) {
            closeClient(client, "the router let it go");
        } else {
            runLater(() -> closeClient(client, "the router let it go"));
        }
    }

    private void closeClient(FifoClient client, String why) {
        if (client.closed) {
            return;
        }
        client.closed = true;
        try {
            poller.unregister(client.txFd);
            if (client.waitingForRoom) {
                poller.unregister(client.rxFd);
            }
        } catch (IOException e) {
            logger.debug("Could not stop watching the FIFOs of '{}'", client.name, e);
        }
        backlogged.remove(client);
        backpressure.forget(client);
        sizes.release(client);
        discardFifos(client.txFd, client.rxFd, client.txPath, client.rxPath);
        int dropped = client.queue.clear();
        client.publishQueueSize();
        if (dropped > 0) {
            client.link.dropped(DropReason.CLIENT_GONE, dropped);
        }
        clientsById.remove(client.id);
        clientsByName.remove(client.name, client);
        clientCount = clientsById.size();
        client.link.detach();
        logger.info("Client '{}' left the FIFO transport: {}", client.name, why);
    }

    private void queueReply(Name client, CapMessage.Assignment assignment) {
        replies.add(new CapReply(client, assignment.toPacket(client).toBytes()));
    }

    private void sendNextReply() {
        while (replyInCap == null && !replies.isEmpty()) {
            CapReply reply = replies.poll();
            try {
                // A reply is far below PIPE_BUF, so the write is atomic: all of it or nothing.
                if (posix.write(capFd, ByteBuffer.wrap(reply.bytes)) != reply.bytes.length) {
                    dropped(DropReason.QUEUE_FULL, 1, "the CAP is full; no room for the reply to '" + reply.client + "'");
                    continue;
                }
                poller.modify(capFd, 0, CAP_TOKEN);
                replyInCap = reply;
                reply.writtenAt = System.nanoTime();
                lastCapCheck = reply.writtenAt;
            } catch (IOException e) {
                logger.error("Could not write the reply to '{}' into the CAP", reply.client, e);
            }
        }
    }

    /** Watches the reply in the CAP: is it collected, did someone write behind it, did it wait too long? */
    private void checkCapReply(long now) {
        CapReply reply = replyInCap;
        if (reply == null || now - lastCapCheck < CAP_CHECK_NANOS) {
            return;
        }
        lastCapCheck = now;
        try {
            int available = posix.bytesAvailable(capFd);
            boolean expired = now - reply.writtenAt > CAP_REPLY_TIMEOUT_NANOS;
            if (available == 0) {
                replyCollected();
            } else if (router != null && (available != reply.bytes.length || expired)) {
                // Without a router, requests written behind the reply wait there until one comes.
                takeBackCap(reply, available, expired);
            }
        } catch (IOException e) {
            logger.error("Could not check the CAP {}", settings.capPath(), e);
            replyCollected();
        }
    }

    /** Reads everything in the CAP, handles what clients wrote, and puts the reply back unless it expired. */
    private void takeBackCap(CapReply reply, int available, boolean expired) throws IOException {
        ByteBuffer contents = ByteBuffer.allocate(available);
        posix.read(capFd, contents);
        contents.flip();
        boolean[] found = new boolean[1];
        ByteBuffer replyBytes = ByteBuffer.wrap(reply.bytes);
        capDecoder.feed(contents, new FrameHandler() {
            @Override
            public void onFrame(Frame frame) {
                if (!found[0] && frame.bytes().equals(replyBytes)) {
                    found[0] = true;
                } else {
                    handleCapPacket(frame);
                }
            }

            @Override
            public void onError(PacketError error, long streamOffset) {
                capHandler.onError(error, streamOffset);
            }
        });
        if (found[0] && !expired) {
            posix.write(capFd, ByteBuffer.wrap(reply.bytes));
            return;
        }
        if (found[0]) {
            logger.warn("Nobody collected the CAP reply to '{}' within {} s; unsubscribing it", reply.client, Protocol.DEFAULT_CAP_REPLY_TTL);
            dropped(DropReason.TTL_EXPIRED, 1, "the CAP reply to '" + reply.client + "' was not collected");
            FifoClient client = clientsByName.get(reply.client);
            if (client != null) {
                closeClient(client, "it never collected its assignment");
            }
        }
        replyCollected();
    }

    private void replyCollected() {
        replyInCap = null;
        watchCap();
        sendNextReply();
    }

    /** A reply waiting for its turn in the CAP, or in it. */
    private static final class CapReply {
        final Name client;
        final byte[] bytes;
        long writtenAt;

        CapReply(Name client, byte[] bytes) {
            this.client = client;
            this.bytes = bytes;
        }
    }

    /** Counts a drop that belongs to no client; while there is no router, it can only be logged. */
    private void dropped(DropReason reason, int packets, String detail) {
        Router current = router;
        if (current != null) {
            current.dropped(reason, packets, detail);
        } else {
            logger.warn("Dropped {} packet(s) ({}) while no router was there to count them: {}", packets, reason, detail);
        }
    }

    // ---- Handing over to the next instance (the bundle is being updated)

    /**
     * Packs the CAP, every client and everything read or queued and not yet passed on, with every
     * FIFO still open: if the last descriptor of a FIFO closed, the kernel would discard its bytes.
     * Runs on the I/O thread once it stopped serving.
     */
    private Parcel pack() {
        // From here on the relays park what the router offers; what other threads offered before
        // is among the tasks, and goes into the queues now.
        for (FifoClient client : clientsById.values()) {
            client.relay.park();
        }
        runTasks();
        takeInboxes();
        // The next instance starts with nobody held up; senders of other transports held by this
        // one's clients would otherwise wait for a release that never comes.
        backpressure.releaseAll();
        Parcel parcel = new Parcel();
        Map<String, Object> state = parcel.state();
        state.put(HandoverState.SETTINGS, settings.toString());
        state.put(HandoverState.CAP_FD, capFd);
        state.put(HandoverState.CAP_PENDING, capHandedOver != null ? concat(capHandedOver, capDecoder.pendingCopy()) : capDecoder.pendingCopy());
        parcel.keepOpen(capFd).deleteOnRelease(settings.capPath());
        state.put(HandoverState.REPLY_IN_CAP, replyInCap == null ? null : new Object[] {replyInCap.client, replyInCap.bytes});
        List<Object[]> waiting = new ArrayList<>();
        for (CapReply reply : replies) {
            waiting.add(new Object[] {reply.client, reply.bytes});
        }
        state.put(HandoverState.REPLIES, waiting);
        List<Map<String, Object>> clients = new ArrayList<>();
        for (FifoClient client : clientsById.values()) {
            Map<String, Object> entry = new HashMap<>();
            entry.put(HandoverState.NAME, client.name);
            entry.put(HandoverState.GROUPS, Set.copyOf(client.link.groups()));
            if (client.link instanceof DetachedLink detached) {
                entry.put(HandoverState.LINK, detached.previous());
                entry.put(HandoverState.ROUTER, detached.previousRouter());
            } else {
                entry.put(HandoverState.LINK, client.link);
                entry.put(HandoverState.ROUTER, router);
            }
            entry.put(HandoverState.RELAY, client.relay);
            entry.put(HandoverState.TX_PATH, client.txPath);
            entry.put(HandoverState.RX_PATH, client.rxPath);
            entry.put(HandoverState.TX_FD, client.txFd);
            entry.put(HandoverState.RX_FD, client.rxFd);
            byte[] pending = client.decoder.pendingCopy();
            entry.put(HandoverState.TX_PENDING, client.handedOverTx != null ? concat(client.handedOverTx, pending) : pending);
            OutboundQueue.Contents queued = client.queue.contents();
            entry.put(HandoverState.RX_QUEUE, queued.bytes());
            entry.put(HandoverState.RX_LENGTHS, queued.lengths());
            entry.put(HandoverState.RX_DEADLINES, queued.deadlines());
            entry.put(HandoverState.RX_HEAD_WRITTEN, queued.headWritten());
            entry.put(HandoverState.SUBSCRIBED_AT, client.subscribedAt);
            clients.add(entry);
            parcel.keepOpen(client.txFd).keepOpen(client.rxFd).deleteOnRelease(client.txPath).deleteOnRelease(client.rxPath).relay(client.relay);
        }
        state.put(HandoverState.CLIENTS, clients);
        // Closing the epoll instance leaves the descriptors it watched open.
        poller.close();
        logger.info("FIFO transport stopped for an update: its CAP {} and {} clients, with their FIFOs open, are handed to the next instance",
                settings.capPath(), clients.size());
        return parcel;
    }

    /** Takes over what {@link #pack()} packed; runs on the I/O thread before it serves. */
    @SuppressWarnings("unchecked")
    private void adopt(Parcel parcel) throws IOException {
        Map<String, Object> state = parcel.state();
        for (Map<String, Object> entry : (List<Map<String, Object>>) state.get(HandoverState.CLIENTS)) {
            Name name = (Name) entry.get(HandoverState.NAME);
            Relay relay = (Relay) entry.get(HandoverState.RELAY);
            Path txPath = (Path) entry.get(HandoverState.TX_PATH);
            Path rxPath = (Path) entry.get(HandoverState.RX_PATH);
            int txFd = (Integer) entry.get(HandoverState.TX_FD);
            int rxFd = (Integer) entry.get(HandoverState.RX_FD);
            if (relay.isClosed()) {
                logger.info("Client '{}' was let go while the FIFO transport was being updated", name);
                discardFifos(txFd, rxFd, txPath, rxPath);
                continue;
            }
            FifoClient client = newClient(name, txPath, rxPath, txFd, rxFd);
            client.subscribedAt = (Long) entry.get(HandoverState.SUBSCRIBED_AT);
            sizes.adopted(client);
            client.relay = relay;
            ClientLink link = (ClientLink) entry.get(HandoverState.LINK);
            Object linkRouter = entry.get(HandoverState.ROUTER);
            client.link = router != null && link != null && linkRouter == router ? link
                    : new DetachedLink(name, (Set<Name>) entry.get(HandoverState.GROUPS), link, linkRouter);
            client.queue.adopt((byte[]) entry.get(HandoverState.RX_QUEUE), (int[]) entry.get(HandoverState.RX_LENGTHS),
                    (long[]) entry.get(HandoverState.RX_DEADLINES), (Integer) entry.get(HandoverState.RX_HEAD_WRITTEN));
            byte[] pending = (byte[]) entry.get(HandoverState.TX_PENDING);
            client.handedOverTx = pending.length > 0 ? pending : null;
            clientsById.put(client.id, client);
            clientsByName.put(name, client);
            poller.register(txFd, 0, client.txToken());
            // What the router offered while no instance served the client goes after what was queued.
            for (Relay.Parked parked : relay.resume(client, ioThread)) {
                if (!client.queue.offer(parked.bytes(), 0, parked.bytes().length, parked.deadlineNanos())) {
                    client.link.dropped(DropReason.QUEUE_FULL, 1);
                }
            }
            client.publishQueueSize();
            markDirty(client);
            if (!(client.link instanceof DetachedLink)) {
                watchTx(client, Poller.READABLE);
                resumed.add(client);
            }
        }
        clientCount = clientsById.size();
        byte[] capPending = (byte[]) state.get(HandoverState.CAP_PENDING);
        capHandedOver = capPending.length > 0 ? capPending : null;
        for (Object[] reply : (List<Object[]>) state.get(HandoverState.REPLIES)) {
            replies.add(new CapReply((Name) reply[0], (byte[]) reply[1]));
        }
        Object[] inCap = (Object[]) state.get(HandoverState.REPLY_IN_CAP);
        if (inCap != null) {
            replyInCap = new CapReply((Name) inCap[0], (byte[]) inCap[1]);
            replyInCap.writtenAt = System.nanoTime();
            lastCapCheck = replyInCap.writtenAt;
        }
        if (router != null) {
            attachAll();
        }
        watchCap();
        if (router != null && replyInCap == null) {
            readCap();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    // ---- Files

    private void prepareFolder(Path folder) throws IOException {
        PrivateFolder.prepare(posix, folder, "FIFOs", made -> logger.info("Made the folder {} (mode 0700)", made));
    }

    private void removeStaleFifos() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(settings.clientsDir(), "*_{tx,rx}.fifo")) {
            for (Path entry : entries) {
                FileStatus status = posix.lstat(entry);
                if (status != null && status.type() == FileType.FIFO) {
                    posix.unlink(entry);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            logger.info("Removed {} stale client FIFOs from {}", removed, settings.clientsDir());
        }
    }

    private void removeStaleFifo(Path path) throws IOException {
        FileStatus status = posix.lstat(path);
        if (status == null) {
            return;
        }
        if (status.type() != FileType.FIFO) {
            throw new IOException(path + " exists and is not a FIFO (" + status.type() + "); refusing to replace it");
        }
        posix.unlink(path);
        logger.info("Removed the stale FIFO {}", path);
    }

    private void makeFifo(Path path) throws IOException {
        removeStaleFifo(path);
        posix.mkfifo(path, settings.fifoMode());
    }

    private void discardFifos(int txFd, int rxFd, Path txPath, Path rxPath) {
        if (txFd >= 0) {
            closeQuietly(txFd);
        }
        if (rxFd >= 0) {
            closeQuietly(rxFd);
        }
        unlinkQuietly(txPath);
        unlinkQuietly(rxPath);
    }

    private void closeQuietly(int fd) {
        try {
            posix.close(fd);
        } catch (IOException e) {
            logger.debug("Closing fd {} failed", fd, e);
        }
    }

    private void unlinkQuietly(Path path) {
        try {
            posix.unlink(path);
        } catch (IOException e) {
            logger.warn("Could not delete {}", path, e);
        }
    }

    /** What is left of fifo.pipe.budget; written by the I/O thread, so a test reads it with patience. */
    long growthBudgetLeft() {
        return sizes.budgetLeft();
    }

    private FifoClient newClient(Name name, Path txPath, Path rxPath, int txFd, int rxFd) {
        return new FifoClient(this, nextClientId++, name, txPath, rxPath, txFd, rxFd, settings.maxPayload(), settings.queueBytes());
    }

    /** A channel view of a non-blocking file descriptor, for the decoder's zero-copy reads. */
    private ReadableByteChannel channel(int fd) {
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return posix.read(fd, dst);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
                // The server closes its descriptors itself.
            }
        };
    }
}
