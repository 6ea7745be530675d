package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sessions;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Name;
import org.octopipes.posix.Poller;
import org.octopipes.posix.Posix;
import org.octopipes.posix.ReadyEvents;
import org.octopipes.transport.handover.FifoSnapshot;
import org.octopipes.transport.handover.Parcel;
import org.octopipes.transport.support.ClientEngine;
import org.osgi.service.log.Logger;

/**
 * The FIFO transport's I/O thread: waits in epoll for the CAP and every client's FIFOs, so that
 * idle clients cost neither threads nor CPU, and hands the rest to its parts: the CAP's turns
 * ({@link CapTurns}), the files ({@link FifoFiles}), the engine that queues and writes what the
 * router offers ({@link ClientEngine}), the handover to the next instance ({@link FifoHandover}).
 * What is left here is reading the clients' TX FIFOs, and subscribing and letting go.
 */
final class FifoServer {

    static final String TRANSPORT_NAME = "fifo";

    static final long CAP_TOKEN = 0;
    /** Reads of one TX FIFO per wake-up before others get their turn. */
    private static final int READS_PER_TURN = 8;

    final FifoSettings settings;
    /** Sizes new clients' FIFOs and grows those of the clients that fill them; used by the I/O thread. */
    final FifoSizes sizes;
    final Logger logger;
    final FifoFiles files;
    final ClientEngine<FifoClient> engine;
    final CapTurns cap;
    final Map<Long, FifoClient> clientsById = new HashMap<>();
    final Map<Name, FifoClient> clientsByName = new HashMap<>();
    final Posix posix = Posix.get();
    private final ReadyEvents events = new ReadyEvents(256);
    /** Moves large payloads by splice(2) (fifo.splice.payloads); null when off. */
    final PayloadSplicer splicer;
    /** Where clients' sessions open; while no router routes, the sessions hold their clients up. */
    final Sessions sessions;
    /** Read by other threads to wake the I/O thread up. */
    volatile Poller poller;
    int capFd = -1;
    private volatile boolean running;
    /** Set when the server stops to hand its state to the next instance instead of letting its clients go. */
    private volatile boolean handingOver;
    /** What the I/O thread packed for the next instance, once it stopped for a handover. */
    private volatile Parcel handedOver;
    /** State of a previous instance, adopted by the I/O thread before it serves. */
    private Parcel adopted;
    private volatile int clientCount;
    private long nextClientId = 1;
    /**
     * How old a subscription must be before its name can be taken over for want of a process
     * holding its FIFOs: a client opens them only after it has read its assignment.
     */
    long reclaimGraceNanos = TimeUnit.SECONDS.toNanos(10);

    FifoServer(FifoSettings settings, Sessions sessions, Logger logger) {
        this.settings = settings;
        this.sessions = sessions;
        this.logger = logger;
        this.files = new FifoFiles(settings, posix, logger);
        this.sizes = new FifoSizes(posix, logger, settings.pipeSize(), settings.pipeBudget());
        this.engine = new ClientEngine<>("FIFO", new FifoIo(), logger, settings.queueBytes());
        this.splicer = settings.splicePayloads() ? new PayloadSplicer(this, posix, settings.spliceMinPayload(), settings.maxPayload()) : null;
        // The splicer moves payloads into RX FIFOs outside the queues, in order with them: no
        // write may go around the queue while it does.
        engine.writeThrough(splicer == null);
        FifoSubscriptions subscriptions = new FifoSubscriptions(this);
        this.cap = new CapTurns(subscriptions.capPipe(), subscriptions, settings.maxPayload(), logger, settings.capPath().toString());
    }

    int clientCount() {
        return clientCount;
    }

    FifoSettings settings() {
        return settings;
    }

    /** What is left of fifo.pipe.budget; written by the I/O thread, so a test reads it with patience. */
    long growthBudgetLeft() {
        return sizes.budgetLeft();
    }

    /** Every client's state, for a test's failure message; read racily from another thread, so only roughly right. */
    String debugState() {
        StringBuilder b = new StringBuilder("running=" + running + " workWaiting=" + engine.workWaiting());
        for (FifoClient c : clientsById.values()) {
            b.append("\n ").append(c.name).append(" id=").append(c.id).append(' ').append(engine.describe(c)).append(" decoderPending=").append(c.decoder.pendingBytes())
                    .append(" handedOverTx=").append(c.handedOverTx == null ? -1 : c.handedOverTx.length);
        }
        return b.toString();
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
            FifoSnapshot snapshot = previous.snapshot(FifoSnapshot.class).orElse(null);
            if (snapshot != null && snapshot.format() == FifoSnapshot.FORMAT && settings.toString().equals(snapshot.settings())) {
                adopted = previous;
                capFd = snapshot.capFd();
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
                        settings.capPath(), snapshot.clients().size());
                return;
            }
            logger.info("The FIFO transport's state from before the update is not for this instance ({}): its clients are let go",
                    snapshot == null ? "no FIFO state" : snapshot.format() != FifoSnapshot.FORMAT
                            ? "format " + snapshot.format() + ", not " + FifoSnapshot.FORMAT : "the settings changed");
            releaseParcel(previous);
        }
        try {
            capFd = files.makeCap();
            poller = Poller.open();
            poller.register(capFd, 0, CAP_TOKEN);
            cap.accepting(true);
        } catch (IOException | RuntimeException e) {
            files.releaseCap(capFd);
            throw e;
        }
        startThread();
        logger.info("FIFO transport serving: CAP {}, clients in {}, mode 0{}{}", settings.capPath(), settings.clientsDir(),
                Integer.toOctalString(settings.fifoMode()), settings.splicePayloads()
                        ? ", payloads of " + settings.spliceMinPayload() + " bytes or more spliced (their checksums are not verified by the server)" : "");
    }

    private void startThread() {
        running = true;
        engine.start("octopipes-fifo-io", this::serve);
    }

    void releaseParcel(Parcel parcel) {
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

    /** Stops serving, lets every client go and deletes the CAP and the client FIFOs. */
    void stop() {
        running = false;
        if (!engine.awaitEnd()) {
            logger.error("The FIFO I/O thread did not stop within 10 s; FIFOs may be left in {}", settings.clientsDir());
        }
    }

    private void serve() {
        boolean failed = false;
        try {
            if (adopted != null) {
                new FifoHandover(this).adopt(adopted.snapshot(FifoSnapshot.class).orElseThrow());
                adopted = null;
            }
            while (running) {
                poller.poll(nextTimeoutMillis(), events);
                for (int i = 0; i < events.size(); i++) {
                    dispatch(events.token(i), events.isReadable(i), events.isWritable(i));
                }
                cap.check(System.nanoTime());
                if (splicer != null) {
                    splicer.check(System.nanoTime());
                }
                engine.turn();
            }
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            logger.error("The FIFO transport stopped serving after an unexpected failure; restart it", e);
        } finally {
            if (splicer != null) {
                logger.info("Large payloads (fifo.splice.payloads) since the FIFO transport started: {} packets spliced whole, {} taken the copying way"
                        + " after they were routed on their header", splicer.spliced(), splicer.copiedAfterAll());
            }
            if (handingOver && !failed) {
                handedOver = new FifoHandover(this).pack();
            } else {
                shutDown();
            }
        }
    }

    private void shutDown() {
        for (FifoClient client : new ArrayList<>(clientsById.values())) {
            closeClient(client, "the FIFO transport is stopping");
        }
        engine.stopping();
        files.releaseCap(capFd);
        capFd = -1;
        if (poller != null) {
            poller.close();
        }
        logger.info("FIFO transport stopped; CAP {} removed", settings.capPath());
    }

    private int nextTimeoutMillis() {
        if (engine.workWaiting()) {
            return 0;
        }
        int capTimeout = cap.timeoutMillis();
        if (capTimeout >= 0) {
            return capTimeout;
        }
        int spliceTimeout = splicer == null ? -1 : splicer.timeoutMillis();
        if (spliceTimeout >= 0) {
            // A sender waits for a recipient to drain: no longer than that.
            long engineWait = engine.nanosToNextDeadline(System.nanoTime());
            return engineWait < 0 ? spliceTimeout : (int) Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(engineWait) + 1, spliceTimeout));
        }
        long wait = engine.nanosToNextDeadline(System.nanoTime());
        if (wait < 0) {
            return -1;
        }
        return (int) Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(wait) + 1, 1000));
    }

    private void dispatch(long token, boolean readable, boolean writable) {
        if (token == CAP_TOKEN) {
            cap.readable();
            return;
        }
        FifoClient client = clientsById.get(token >>> 1);
        if (client == null || client.closed) {
            return;
        }
        if ((token & 1) == 0 && readable) {
            readTxOrLetGo(client);
        } else if (writable) {
            engine.flushNow(client);
        }
    }

    /** Watches the client's TX FIFO again and reads what waits in its decoder at the end of this round. */
    void readSoon(FifoClient client) {
        watchTx(client, Poller.READABLE);
        engine.readSoon(client);
    }

    void watchTx(FifoClient sender, int events) {
        try {
            poller.modify(sender.txFd, events, sender.txToken());
        } catch (IOException e) {
            logger.warn("Could not {} reading the TX FIFO of '{}'", events == 0 ? "pause" : "resume", sender.name, e);
        }
    }

    // ---- Client traffic

    void readTxOrLetGo(FifoClient client) {
        try {
            boolean emptied = readTx(client);
            if (emptied && client.leaving && !client.closed && !client.heldUp()) {
                closeClient(client, "it unsubscribed");
            }
        } catch (IOException e) {
            logger.warn("Reading the TX FIFO of '{}' failed; letting it go", client.name, e);
            closeClient(client, "read failed: " + e.getMessage());
        }
    }

    /** Reads and routes what the client wrote, until a recipient holds it up; returns whether its TX FIFO is empty. */
    private boolean readTx(FifoClient client) throws IOException {
        ReadableByteChannel tx = client.txChannel;
        // One clock read per round of reads gives every packet of the round its deadline and
        // activity time. (A clock read per packet was a third of this thread's time.)
        client.readNanos = System.nanoTime();
        routeHandedOver(client);
        // First what an earlier read left in the decoder when a recipient held this sender up,
        // unless the packets just handed over made a recipient hold it up again.
        if (!client.heldUp()) {
            client.decoder.drain(splicer == null ? client : splicer.watching(client));
        }
        // Stop once a recipient holds this sender up: what it writes then waits in its FIFO.
        for (int turn = 0; turn < READS_PER_TURN && !client.closed && !client.heldUp(); turn++) {
            int count = splicer == null ? client.decoder.readFrom(tx, client) : splicer.read(client, tx);
            if (count <= 0) {
                return true;
            }
            // More than half a FIFO since the last read: the client writes about as fast as its
            // FIFO lets it (the read itself is bounded by the decoder's room, so "full" cannot be told).
            if (count >= client.txCapacity / 2 && !client.closed) {
                sizes.txFilled(client);
            }
            engine.flushDirty();
            if (splicer == null && client.decoder.lastReadWasShort()) {
                // The FIFO gave less than asked: it is empty now. Another read would find
                // nothing: a system call per wake-up, which a packet at a time (a round trip) pays in full.
                // (The splicer reads headers and payloads apart, so its decoder's last read says less.)
                return true;
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

    /** Queues a packet for a client; any thread. */
    boolean offer(FifoClient target, Frame packet, Delivery delivery) {
        if (packet.isDeferred() && splicer != null && splicer.setAside(target, packet, delivery)) {
            return true;
        }
        return engine.offer(target, packet, delivery);
    }

    /** Queues a run of packets for a client; any thread. */
    boolean offer(FifoClient target, FrameRun run, Delivery delivery) {
        return engine.offer(target, run, delivery);
    }

    /** The engine's I/O on a client's FIFOs. */
    private final class FifoIo implements ClientEngine.Io<FifoClient> {
        @Override
        public int write(FifoClient client, ByteBuffer bytes) throws IOException {
            return posix.write(client.rxFd, bytes);
        }

        @Override
        public void watchRoom(FifoClient client, boolean watch) throws IOException {
            if (watch) {
                poller.register(client.rxFd, Poller.WRITABLE, client.rxToken());
            } else {
                poller.unregister(client.rxFd);
            }
        }

        @Override
        public void watchReads(FifoClient client, boolean read) {
            watchTx(client, read ? Poller.READABLE : 0);
        }

        @Override
        public void read(FifoClient client) {
            readTxOrLetGo(client);
        }

        @Override
        public void written(FifoClient client, long queuedBefore) {
            boolean full = !client.queue.isEmpty();
            if (full && client.rxWasFull && queuedBefore - client.queue.bytes() >= client.rxCapacity / 4) {
                // Its FIFO was full, it read a good part of it, and it is full again: it reads, more
                // slowly than it is sent to. (One that never reads fills its FIFO once, and then the
                // kernel takes no more than the rest of a page now and then.)
                sizes.rxFilled(client);
            }
            client.rxWasFull = full;
            if (!full && splicer != null) {
                splicer.drained(client);
            }
        }

        @Override
        public void close(FifoClient client, String why) {
            logger.warn("Letting client '{}' go: {}", client.name, why);
            closeClient(client, why);
        }

        @Override
        public void wakeUp() {
            Poller current = poller;
            if (current != null) {
                current.wakeup();
            }
        }
    }

    FifoClient newClient(Name name, FifoFiles.Pair fifos) {
        return new FifoClient(this, nextClientId++, name, fifos, settings.maxPayload(), settings.queueBytes());
    }

    /** Serves {@code client} from now on. */
    void add(FifoClient client) {
        clientsById.put(client.id, client);
        clientsByName.put(client.name, client);
        clientCount = clientsById.size();
    }

    /** Lets a client go from any thread: the work happens on the I/O thread. */
    void closeLater(FifoClient client) {
        if (engine.onIoThread()) {
            closeClient(client, "management let it go");
        } else {
            engine.runLater(() -> closeClient(client, "management let it go"));
        }
    }

    void closeClient(FifoClient client, String why) {
        if (client.closed) {
            return;
        }
        try {
            poller.unregister(client.txFd);
            if (client.waitingForRoom()) {
                poller.unregister(client.rxFd);
            }
        } catch (IOException e) {
            logger.debug("Could not stop watching the FIFOs of '{}'", client.name, e);
        }
        engine.leave(client);
        if (splicer != null) {
            splicer.forget(client);
        }
        sizes.release(client);
        files.discard(client.fifos());
        clientsById.remove(client.id);
        clientsByName.remove(client.name, client);
        clientCount = clientsById.size();
        client.session.close();
        logger.info("Client '{}' left the FIFO transport: {}", client.name, why);
    }

    /** Counts a drop that belongs to no client. */
    void dropped(DropReason reason, int packets, String detail) {
        sessions.dropped(reason, packets, detail);
    }
}
