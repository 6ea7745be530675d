package org.octopipes.transport.unix.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sessions;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.PacketError;
import org.octopipes.posix.Posix;
import org.octopipes.transport.support.ClientEngine;
import org.osgi.service.log.Logger;

/**
 * The Unix socket transport's I/O thread: one listening socket and every client connection, served
 * by one thread that waits in a {@link Selector}, so that idle clients cost neither threads nor
 * CPU. Its parts: the socket file ({@link SocketListener}), the handshake ({@link SocketHandshake}),
 * and the engine that queues and writes what the router offers
 * ({@link org.octopipes.transport.support.ClientEngine}), the same as the FIFO transport's.
 *
 * <p>Each connection carries the CAP sub-protocol and then the client's packets both ways: the
 * client writes its SUBSCRIPTION, reads its ASSIGNMENT, then writes packets for others and reads
 * the packets for its name and groups. An UNSUBSCRIPTION, or closing the connection, ends it.
 *
 * <p>The router may come and go (its bundle updated, say): while none is bound, connections stay
 * open but are not read, so what clients write waits in the kernel; the next router gets every
 * client back with its name and its groups as they were.
 */
final class UnixServer {

    static final String TRANSPORT_NAME = "unix";

    /** Reads of one socket per wake-up before others get their turn. */
    private static final int READS_PER_TURN = 8;
    private final UnixSettings settings;
    private final Logger logger;
    private final Posix posix = Posix.get();
    private final Map<Long, SocketClient> connections = new HashMap<>();
    private final ClientEngine<SocketClient> engine;
    private final SocketListener socketFile;
    private final SocketHandshake handshake;
    private final Peers peers;
    private final Sessions sessions;
    /** Read by other threads to wake the I/O thread up. */
    private volatile Selector selector;
    private ServerSocketChannel listener;
    private volatile boolean running;
    private volatile int clientCount;
    private long nextId = 1;

    UnixServer(UnixSettings settings, Sessions sessions, Logger logger) {
        this.settings = settings;
        this.sessions = sessions;
        this.logger = logger;
        this.socketFile = new SocketListener(settings, posix, logger);
        this.handshake = new SocketHandshake(this, settings, logger);
        this.peers = new Peers(posix, settings.socketPath(), logger);
        this.engine = new ClientEngine<>("Unix socket", new SocketIo(), logger, settings.queueBytes());
    }

    ClientEngine<SocketClient> engine() {
        return engine;
    }

    UnixSettings settings() {
        return settings;
    }

    /** Clients subscribed now. */
    int clientCount() {
        return clientCount;
    }

    // ---- Life cycle

    /** Makes the folder and the socket and starts serving; on failure leaves nothing behind. */
    void start() throws IOException {
        Path socket = settings.socketPath();
        listener = socketFile.open();
        try {
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            releaseListener();
            throw e;
        }
        running = true;
        engine.start("octopipes-unix-io", this::serve);
        logger.info("Unix socket transport serving at {}, mode 0{}", socket, Integer.toOctalString(settings.socketMode()));
    }

    /** Stops serving: every client is let go, the socket file is deleted. */
    void stop() {
        running = false;
        if (!engine.awaitEnd()) {
            logger.error("The Unix socket I/O thread did not stop within 10 s; {} may be left behind", settings.socketPath());
        }
    }

    private void serve() {
        try {
            while (running) {
                selector.select(nextTimeoutMillis());
                for (SelectionKey key : selector.selectedKeys()) {
                    dispatch(key);
                }
                selector.selectedKeys().clear();
                handshake.closeSilentConnections(System.nanoTime());
                engine.turn();
            }
        } catch (IOException | RuntimeException | Error e) {
            logger.error("The Unix socket transport stopped serving after an unexpected failure; restart it", e);
        } finally {
            shutDown();
        }
    }

    private void shutDown() {
        running = false;
        for (SocketClient client : new ArrayList<>(connections.values())) {
            closeClient(client, "the Unix socket transport is stopping");
        }
        engine.stopping();
        releaseListener();
        logger.info("Unix socket transport stopped; {} removed", settings.socketPath());
    }

    private void releaseListener() {
        socketFile.close();
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                logger.debug("Closing the selector failed", e);
            }
        }
    }

    private long nextTimeoutMillis() {
        if (engine.workWaiting()) {
            return 1;
        }
        long now = System.nanoTime();
        long wait = engine.nanosToNextDeadline(now);
        long silence = handshake.nanosToNextTimeout(now);
        if (silence >= 0) {
            wait = wait < 0 ? silence : Math.min(wait, silence);
        }
        if (wait < 0) {
            return 0; // no timeout: wait for the selector
        }
        return Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(wait) + 1, 1000));
    }

    private void dispatch(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.channel() == listener) {
            acceptAll();
            return;
        }
        SocketClient client = (SocketClient) key.attachment();
        if (client.closed) {
            return;
        }
        if (key.isWritable()) {
            engine.flushNow(client);
        }
        if (!client.closed && key.isValid() && key.isReadable()) {
            readOrLetGo(client);
        }
    }

    // ---- Connections

    private void acceptAll() {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                logger.warn("Accepting a connection on {} failed", settings.socketPath(), e);
                return;
            }
            if (channel == null) {
                return;
            }
            if (connections.size() >= settings.maxConnections()) {
                logger.warn("Refused a connection on {}: {} connections already, the most max.connections allows",
                        settings.socketPath(), connections.size());
                socketFile.closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                SelectionKey key = channel.register(selector, 0);
                SocketClient client = new SocketClient(this, nextId++, channel, key, peers.identify(channel), settings.maxPayload(), settings.queueBytes());
                key.attach(client);
                connections.put(client.id, client);
                handshake.connected(client);
                updateInterest(client);
                logger.debug("Accepted connection #{} on {}", client.id, settings.socketPath());
            } catch (IOException e) {
                logger.warn("Could not watch a new connection on {}", settings.socketPath(), e);
                socketFile.closeQuietly(channel);
            }
        }
    }

    /** Reads a socket only while nobody holds its client up (a recipient, or its session while no router routes). */
    void updateInterest(SocketClient client) {
        if (client.closed || !client.key.isValid()) {
            return;
        }
        int ops = 0;
        if (!client.closeWhenFlushed && !client.heldUp()) {
            ops |= SelectionKey.OP_READ;
        }
        if (client.waitingForRoom()) {
            ops |= SelectionKey.OP_WRITE;
        }
        client.key.interestOps(ops);
    }

    private void readOrLetGo(SocketClient client) {
        // One clock read per round of reads gives every packet in it its deadline and the sender's
        // activity time (a clock read per packet was a large part of the FIFO transport's work).
        client.readNanos = System.nanoTime();
        try {
            // First what an earlier read left in the decoder while a recipient held this sender up.
            client.decoder.drain(client);
            for (int turn = 0; turn < READS_PER_TURN && mayRead(client); turn++) {
                int count = client.decoder.readFrom(client.channel, client);
                if (count < 0) {
                    if (client.decoder.pendingBytes() > 0) {
                        // The peer ended in the middle of a packet: count it, and route what whole packets follow it.
                        client.decoder.abandonPartial(client);
                    }
                    closeClient(client, client.subscribed() ? "it closed its connection" : "it closed its connection before subscribing");
                    return;
                }
                engine.flushDirty();
                if (count == 0 || client.decoder.lastReadWasShort()) {
                    // Less than asked: the socket's buffer is empty now, another read would find nothing.
                    break;
                }
            }
        } catch (IOException e) {
            if (!client.closed) {
                closeClient(client, "reading its socket failed: " + e.getMessage());
            }
        }
    }

    private boolean mayRead(SocketClient client) {
        return !client.closed && !client.closeWhenFlushed && !client.heldUp();
    }

    // ---- What peers write

    void received(SocketClient client, Frame frame) {
        if (client.closeWhenFlushed || client.closed) {
            client.decoder.stop();
            dropped(DropReason.UNHANDLED, 1, "a packet from " + client + " after its subscription was refused");
            return;
        }
        if (!client.subscribed()) {
            handshake.firstPacket(client, frame, sessions);
            return;
        }
        if (SocketHandshake.isUnsubscription(frame)) {
            // What follows an UNSUBSCRIPTION on the same connection belongs to nobody.
            client.decoder.stop();
            closeClient(client, "it unsubscribed");
            return;
        }
        client.session.route(frame, client.sender, client.readNanos);
    }

    /** Packets with one header: routed as a run once the client is subscribed; else declined, for the handshake to take one by one. */
    boolean received(SocketClient client, FrameRun run) {
        return client.subscribed() && !client.closeWhenFlushed && !client.closed && !SocketHandshake.isUnsubscription(run.first())
                && client.session.route(run, client.sender, client.readNanos);
    }

    void malformed(SocketClient client, PacketError error, long streamOffset) {
        logger.debug("{} wrote bytes that are not a packet at offset {} of its connection: {}", client, streamOffset, error);
        if (client.session != null) {
            client.session.malformed(error);
        } else {
            dropped(DropReason.MALFORMED, 1, "bytes from " + client + " that are not a packet: " + error);
        }
    }

    /** The handshake admitted {@code client}. */
    void subscribed(SocketClient client) {
        clientCount++;
        logger.info("Client '{}' subscribed on the Unix socket {} (connection #{})", client.name, settings.socketPath(), client.id);
    }

    // ---- What the router gives clients

    /** Queues a packet for a client; any thread. */
    boolean offer(SocketClient target, Frame packet, Delivery delivery) {
        return engine.offer(target, packet, delivery);
    }

    /** Queues a run of packets for a client; any thread. */
    boolean offer(SocketClient target, FrameRun run, Delivery delivery) {
        return engine.offer(target, run, delivery);
    }

    /** The engine's I/O on a client's connection. */
    private final class SocketIo implements ClientEngine.Io<SocketClient> {
        @Override
        public int write(SocketClient client, ByteBuffer bytes) throws IOException {
            return client.channel.write(bytes);
        }

        @Override
        public void watchRoom(SocketClient client, boolean watch) {
            updateInterest(client);
        }

        @Override
        public void watchReads(SocketClient client, boolean read) {
            updateInterest(client);
        }

        @Override
        public void read(SocketClient client) {
            readOrLetGo(client);
        }

        @Override
        public void written(SocketClient client, long queuedBefore) {
            if (client.queue.isEmpty() && client.closeWhenFlushed) {
                closeClient(client, "its subscription was refused");
            }
        }

        @Override
        public void close(SocketClient client, String why) {
            closeClient(client, why);
        }

        @Override
        public void wakeUp() {
            Selector current = selector;
            if (current != null) {
                current.wakeup();
            }
        }
    }

    // ---- Leaving

    /** Management lets a client go (kicked, say); from any thread. */
    void closeLater(SocketClient client) {
        Runnable close = () -> closeClient(client, "management let it go");
        if (engine.onIoThread() || !running) {
            close.run();
        } else {
            engine.runLater(close);
        }
    }

    void closeClient(SocketClient client, String why) {
        if (client.closed) {
            return;
        }
        client.key.cancel();
        socketFile.closeQuietly(client.channel);
        peers.forget(client.fd);
        handshake.gone(client);
        engine.leave(client);
        connections.remove(client.id);
        if (client.subscribed()) {
            clientCount--;
            client.session.close();
            logger.info("Client '{}' left the Unix socket transport: {}", client.name, why);
        } else {
            logger.debug("Connection #{} closed: {}", client.id, why);
        }
    }

    /** Counts a drop that belongs to no client. */
    void dropped(DropReason reason, int packets, String detail) {
        sessions.dropped(reason, packets, detail);
    }
}
