package org.octopipes.transport.unix.impl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Router;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Frame;
import org.octopipes.codec.MalformedCapMessageException;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.posix.FileStatus;
import org.octopipes.posix.FileType;
import org.octopipes.posix.Posix;
import org.octopipes.transport.support.Backpressure;
import org.octopipes.transport.support.OutboundQueue;
import org.octopipes.transport.support.PrivateFolder;
import org.osgi.service.log.Logger;

/**
 * The Unix socket transport's engine: one listening socket and every client connection, served
 * by one I/O thread that waits in a {@link Selector}, so that idle clients cost neither threads
 * nor CPU.
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
    /** How long a connection may take to send its SUBSCRIPTION: a client sends it at once. */
    static final long SUBSCRIBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long a router change may wait for the I/O thread. */
    private static final long HANDOVER_TIMEOUT_SECONDS = 10;

    private final UnixSettings settings;
    private final Logger logger;
    private final Posix posix = Posix.get();
    private final Map<Long, SocketClient> connections = new HashMap<>();
    /** Connections that have not subscribed yet, oldest first: they must within the timeout. */
    private final Set<SocketClient> unsubscribed = new LinkedHashSet<>();
    private final List<SocketClient> dirty = new ArrayList<>();
    /** Clients with bytes waiting for room in their socket; their deadlines need watching. */
    private final Set<SocketClient> backlogged = new LinkedHashSet<>();
    /** Senders no longer held up, or back with a router, whose decoders may hold packets. */
    private final ArrayDeque<SocketClient> resumed = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Backpressure<SocketClient> throttle;
    /** The bytes of both paths of a successful ASSIGNMENT: the socket is where the client writes and reads. */
    private final byte[] assignedPath;
    /** Written by the I/O thread only (or before it starts, after it ends). */
    private Router router;
    private final Backpressure.InboxTaken<SocketClient> inboxTaken = new Backpressure.InboxTaken<>() {
        @Override
        public OutboundQueue queueOf(SocketClient client) {
            return client.queue;
        }

        @Override
        public void taken(SocketClient client) {
            client.publishQueueSize();
            markDirty(client);
        }

        @Override
        public void gone(SocketClient client, int packets) {
            client.dropped(DropReason.CLIENT_GONE, packets);
        }
    };
    private Selector selector;
    private ServerSocketChannel listener;
    private Thread ioThread;
    /** Whether the socket file is ours to delete: a bind that failed may have met another server's. */
    private boolean bound;
    private volatile boolean running;
    private volatile int clientCount;
    private long nextId = 1;

    UnixServer(UnixSettings settings, Router router, Logger logger) {
        this.settings = settings;
        this.router = router;
        this.logger = logger;
        this.assignedPath = settings.socketPath().toString().getBytes(StandardCharsets.UTF_8);
        this.throttle = new Backpressure<>(new Backpressure.Reading<SocketClient>() {
            @Override
            public void pause(SocketClient sender) {
                updateInterest(sender);
            }

            @Override
            public void resume(SocketClient sender) {
                updateInterest(sender);
                // Packets it had sent may wait in its decoder, where the selector does not see them.
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
                Selector current = selector;
                if (current != null) {
                    current.wakeup();
                }
            }
        }, settings.queueBytes());
    }

    Backpressure<SocketClient> backpressure() {
        return throttle;
    }

    /** Runs {@code task} on the I/O thread soon; any thread. */
    private void runLater(Runnable task) {
        tasks.add(task);
        Selector current = selector;
        if (current != null) {
            current.wakeup();
        }
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
        prepareFolder(socket.getParent());
        removeStaleSocket(socket);
        try {
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socket));
            bound = true;
            // bind makes the file with the umask's mode; the folder keeps others out meanwhile.
            posix.chmod(socket, settings.socketMode());
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            releaseListener();
            throw e;
        }
        running = true;
        ioThread = new Thread(this::serve, "octopipes-unix-io");
        ioThread.setDaemon(true);
        ioThread.start();
        logger.info("Unix socket transport serving at {}, mode 0{}{}", socket, Integer.toOctalString(settings.socketMode()),
                router == null ? "; no router yet: connections wait" : "");
    }

    /** Stops serving: every client is let go, the socket file is deleted. */
    void stop() {
        running = false;
        if (selector != null) {
            selector.wakeup();
        }
        if (ioThread != null) {
            try {
                ioThread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (ioThread.isAlive()) {
                logger.error("The Unix socket I/O thread did not stop within 10 s; {} may be left behind", settings.socketPath());
            }
        }
    }

    /**
     * Hands the clients over to {@code next}, or, for null, keeps them waiting without a router.
     * Returns once the I/O thread has done it, so that the previous router is called no more.
     */
    void useRouter(Router next) {
        runOnIoThread(() -> switchRouter(next));
    }

    private void serve() {
        try {
            while (running) {
                selector.select(nextTimeoutMillis());
                for (SelectionKey key : selector.selectedKeys()) {
                    dispatch(key);
                }
                selector.selectedKeys().clear();
                runTasks();
                throttle.takeInboxes(inboxTaken);
                long now = System.nanoTime();
                expireBacklogs(now);
                closeSilentConnections(now);
                flushDirty();
                for (SocketClient slow : throttle.findSlowReaders(now)) {
                    logger.warn("Client '{}' reads too slowly: its senders no longer wait for it, and what does not fit its queue of {} bytes is dropped",
                            slow.name, settings.queueBytes());
                }
                while (!resumed.isEmpty()) {
                    SocketClient sender = resumed.poll();
                    if (!sender.closed && !sender.backpressure.heldUp() && router != null) {
                        readOrLetGo(sender);
                        flushDirty();
                    }
                }
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
        runTasks();
        throttle.takeInboxes(inboxTaken);
        throttle.releaseAll();
        releaseListener();
        logger.info("Unix socket transport stopped; {} removed", settings.socketPath());
    }

    private void releaseListener() {
        closeQuietly(listener);
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                logger.debug("Closing the selector failed", e);
            }
        }
        if (!bound) {
            return;
        }
        try {
            Files.deleteIfExists(settings.socketPath());
        } catch (IOException e) {
            logger.warn("Could not delete the socket {}", settings.socketPath(), e);
        }
    }

    private long nextTimeoutMillis() {
        if (!resumed.isEmpty() || throttle.inboxesWaiting()) {
            return 1;
        }
        long now = System.nanoTime();
        long earliest = OutboundQueue.NO_DEADLINE;
        for (SocketClient client : backlogged) {
            earliest = Math.min(earliest, client.queue.earliestDeadline());
        }
        long check = throttle.nanosToNextCheck(now);
        if (check >= 0) {
            earliest = Math.min(earliest, now + check);
        }
        if (router != null && !unsubscribed.isEmpty()) {
            earliest = Math.min(earliest, unsubscribed.iterator().next().connectedAt + SUBSCRIBE_TIMEOUT_NANOS);
        }
        if (earliest == OutboundQueue.NO_DEADLINE) {
            return 0; // no timeout: wait for the selector
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(earliest - now) + 1;
        return Math.max(1, Math.min(millis, 1000));
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
            flushNow(client);
        }
        if (!client.closed && key.isValid() && key.isReadable()) {
            readOrLetGo(client);
        }
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException e) {
                logger.error("A task on the Unix socket I/O thread failed", e);
            }
        }
    }

    private void runOnIoThread(Runnable work) {
        Thread thread = ioThread;
        if (thread == null || !running || Thread.currentThread() == thread) {
            work.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        selector.wakeup();
        try {
            done.get(HANDOVER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the Unix socket I/O thread failed to change routers", e.getCause());
        } catch (TimeoutException e) {
            if (running) {
                logger.error("The Unix socket I/O thread did not take the router change within {} s", HANDOVER_TIMEOUT_SECONDS);
            }
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
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                SelectionKey key = channel.register(selector, 0);
                SocketClient client = new SocketClient(this, nextId++, channel, key, settings.maxPayload(), settings.queueBytes());
                key.attach(client);
                connections.put(client.id, client);
                unsubscribed.add(client);
                updateInterest(client);
                logger.debug("Accepted connection #{} on {}", client.id, settings.socketPath());
            } catch (IOException e) {
                logger.warn("Could not watch a new connection on {}", settings.socketPath(), e);
                closeQuietly(channel);
            }
        }
    }

    /** Reads a socket only with a router to pass packets to, and only while nobody holds its client up. */
    private void updateInterest(SocketClient client) {
        if (client.closed || !client.key.isValid()) {
            return;
        }
        int ops = 0;
        if (router != null && !client.closeWhenFlushed && !client.backpressure.heldUp()) {
            ops |= SelectionKey.OP_READ;
        }
        if (client.waitingForRoom) {
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
                if (count == 0) {
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
        return !client.closed && !client.closeWhenFlushed && !client.backpressure.heldUp() && router != null;
    }

    /** Connections that never sent a SUBSCRIPTION hold a descriptor each: they get a while, not forever. */
    private void closeSilentConnections(long now) {
        if (router == null) {
            return;
        }
        while (!unsubscribed.isEmpty()) {
            SocketClient oldest = unsubscribed.iterator().next();
            if (now - oldest.connectedAt < SUBSCRIBE_TIMEOUT_NANOS) {
                return;
            }
            closeClient(oldest, oldest.closeWhenFlushed ? "it did not read the refusal of its subscription"
                    : "it sent no SUBSCRIPTION within " + TimeUnit.NANOSECONDS.toSeconds(SUBSCRIBE_TIMEOUT_NANOS) + " s");
        }
    }

    // ---- What peers write

    void received(SocketClient client, Frame frame) {
        if (client.closeWhenFlushed || client.closed) {
            client.decoder.stop();
            dropped(DropReason.UNHANDLED, 1, "a packet from " + client + " after its subscription was refused");
            return;
        }
        if (!client.subscribed()) {
            handshake(client, frame);
            return;
        }
        if (frame.remoteLength() == 0 && isUnsubscription(frame)) {
            // What follows an UNSUBSCRIPTION on the same connection belongs to nobody.
            client.decoder.stop();
            closeClient(client, "it unsubscribed");
            return;
        }
        if (client.link == null) {
            // Reading stops while no router is bound; the decoder is stopped at once, so at most this one is lost.
            client.decoder.stop();
            logger.error("A packet from '{}' came while no router is bound; dropped", client.name);
            client.dropped(DropReason.CLIENT_GONE, 1);
            return;
        }
        client.link.route(frame, client.sender, client.readNanos);
    }

    void malformed(SocketClient client, PacketError error, long streamOffset) {
        logger.debug("{} wrote bytes that are not a packet at offset {} of its connection: {}", client, streamOffset, error);
        if (client.link != null) {
            client.link.malformed(error);
        } else {
            dropped(DropReason.MALFORMED, 1, "bytes from " + client + " that are not a packet: " + error);
        }
    }

    private static boolean isUnsubscription(Frame frame) {
        return frame.payloadLength() == 1 && (frame.payload().get(0) & 0xFF) == CapMessage.OBJECT_UNSUBSCRIPTION;
    }

    private void handshake(SocketClient client, Frame frame) {
        Name name = frame.origin();
        CapMessage message;
        try {
            message = CapMessage.parse(frame.payload());
        } catch (MalformedCapMessageException e) {
            dropped(DropReason.MALFORMED, 1, "the first packet of " + client + " is not a CAP message: " + e.getMessage());
            refuse(client, name, AssignmentError.FS, "its first packet is not a CAP message: " + e.getMessage());
            return;
        }
        if (!(message instanceof CapMessage.Subscription subscription)) {
            dropped(DropReason.UNHANDLED, 1, "the first packet of " + client + " is " + message + ", not a SUBSCRIPTION");
            refuse(client, name, AssignmentError.FS, "its first packet is " + message + ", not a SUBSCRIPTION");
            return;
        }
        if (!frame.remoteIs(Name.SERVER)) {
            logger.debug("The SUBSCRIPTION of {} is addressed to '{}' rather than the server; taken all the same", client, frame.remote());
        }
        if (name.isServer()) {
            refuse(client, name, AssignmentError.FS, "the empty name is the server's");
            return;
        }
        Attachment attachment = new Attachment(this, client);
        ClientLink link;
        try {
            link = router.attach(name, subscription.groups(), attachment);
        } catch (SubscriptionRefusedException e) {
            refuse(client, name, e.reason() == SubscriptionRefusedException.Reason.NAME_TAKEN
                    ? AssignmentError.NAME_ALREADY_TAKEN : AssignmentError.FS, e.getMessage());
            return;
        }
        client.name = name;
        client.link = link;
        client.attachment = attachment;
        unsubscribed.remove(client);
        clientCount++;
        sendAssignment(client, name, CapMessage.Assignment.success(assignedPath, assignedPath));
        logger.info("Client '{}' subscribed on the Unix socket {} (connection #{})", name, settings.socketPath(), client.id);
    }

    /** Answers a subscription with an error, then ends the connection once the answer is out. */
    private void refuse(SocketClient client, Name name, AssignmentError error, String why) {
        logger.warn("Refused a subscription as '{}' on the Unix socket (connection #{}): {}", name, client.id, why);
        client.decoder.stop();
        client.closeWhenFlushed = true;
        updateInterest(client);
        sendAssignment(client, name, CapMessage.Assignment.failure(error));
    }

    /** The ASSIGNMENT goes out ahead of any packet, and is not counted as a delivered packet. */
    private void sendAssignment(SocketClient client, Name name, CapMessage.Assignment assignment) {
        byte[] bytes = assignment.toPacket(name).toBytes();
        client.uncountedAhead++;
        client.queue.offer(bytes, 0, bytes.length, OutboundQueue.NO_DEADLINE);
        markDirty(client);
    }

    // ---- What the router gives clients

    /** Queues a packet for a client; any thread. */
    boolean offer(SocketClient target, Frame packet, Delivery delivery) {
        if (Thread.currentThread() != ioThread) {
            // Another thread (another transport's, a bridge's, management's): through the client's
            // inbox, which holds the sender up as this thread would.
            return throttle.offerFromElsewhere(target, packet, delivery, target.queuedBytes());
        }
        if (target.closed) {
            target.dropped(DropReason.CLIENT_GONE, 1);
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
        target.publishQueueSize();
        throttle.queued(target, delivery.sender());
        markDirty(target);
        return true;
    }

    private void markDirty(SocketClient client) {
        if (!client.dirty) {
            client.dirty = true;
            dirty.add(client);
        }
    }

    private void flushDirty() {
        for (int i = 0; i < dirty.size(); i++) {
            SocketClient client = dirty.get(i);
            client.dirty = false;
            if (!client.closed) {
                flushNow(client);
            }
        }
        dirty.clear();
    }

    private void flushNow(SocketClient client) {
        try {
            flush(client);
        } catch (IOException e) {
            closeClient(client, "writing to its socket failed: " + e.getMessage());
        }
    }

    /** Writes what the socket takes, in one gathering write, after dropping what missed its deadline. */
    private void flush(SocketClient client) throws IOException {
        int expired = client.queue.expire(System.nanoTime());
        if (expired > 0) {
            client.dropped(DropReason.TTL_EXPIRED, expired);
        }
        int written = client.queue.writeTo(client.channel::write);
        int answers = Math.min(written, client.uncountedAhead);
        client.uncountedAhead -= answers;
        if (written > answers) {
            client.delivered(written - answers);
        }
        throttle.drained(client);
        client.publishQueueSize();
        if (client.queue.isEmpty() && client.closeWhenFlushed) {
            closeClient(client, "its subscription was refused");
            return;
        }
        boolean waiting = !client.queue.isEmpty();
        if (waiting != client.waitingForRoom) {
            client.waitingForRoom = waiting;
            if (waiting) {
                backlogged.add(client);
            } else {
                backlogged.remove(client);
            }
            updateInterest(client);
        }
    }

    private void expireBacklogs(long now) {
        for (SocketClient client : backlogged) {
            int expired = client.queue.expire(now);
            if (expired > 0) {
                client.dropped(DropReason.TTL_EXPIRED, expired);
                client.publishQueueSize();
                markDirty(client);
            }
        }
    }


    // ---- Leaving

    /** The router lets a client go (kicked, say); from any thread. A replaced router's outlets are ignored. */
    void closeLater(Attachment attachment) {
        Runnable close = () -> {
            SocketClient client = attachment.client;
            if (client.attachment == attachment && !client.closed) {
                closeClient(client, "the router let it go");
            } else {
                logger.debug("A router that no longer serves {} let it go; it stays", client);
            }
        };
        if (Thread.currentThread() == ioThread || !running) {
            close.run();
        } else {
            runLater(close);
        }
    }

    private void closeClient(SocketClient client, String why) {
        if (client.closed) {
            return;
        }
        client.closed = true;
        client.key.cancel();
        closeQuietly(client.channel);
        backlogged.remove(client);
        unsubscribed.remove(client);
        throttle.forget(client);
        int dropped = client.queue.clear() - client.uncountedAhead;
        client.uncountedAhead = 0;
        client.publishQueueSize();
        if (dropped > 0) {
            client.dropped(DropReason.CLIENT_GONE, dropped);
        }
        connections.remove(client.id);
        if (client.subscribed()) {
            clientCount--;
            client.takeHeldDrops().forEach((reason, packets) -> dropped(reason, packets, "packets to '" + client.name + "', who left while no router was bound"));
            ClientLink link = client.link;
            client.link = null;
            client.attachment = null;
            if (link != null) {
                link.detach();
            }
            logger.info("Client '{}' left the Unix socket transport: {}", client.name, why);
        } else {
            logger.debug("Connection #{} closed: {}", client.id, why);
        }
    }

    // ---- Router changes

    private void switchRouter(Router next) {
        if (router == next) {
            return;
        }
        List<SocketClient> clients = new ArrayList<>();
        for (SocketClient client : connections.values()) {
            if (client.subscribed() && !client.closed) {
                clients.add(client);
            }
        }
        for (SocketClient client : clients) {
            ClientLink old = client.link;
            if (old != null) {
                client.groups = Set.copyOf(old.groups());
                client.link = null;
                client.attachment = null;
                // The old router forgets the client, and so no longer closes it on its way out.
                old.detach();
            }
        }
        router = next;
        if (next == null) {
            if (!connections.isEmpty()) {
                logger.info("No router: {} Unix socket clients wait, unread, for the next one", clients.size());
            }
        } else {
            for (SocketClient client : clients) {
                reattach(client, next);
            }
            if (!clients.isEmpty()) {
                logger.info("{} Unix socket clients attached to the new router", clients.size());
            }
        }
        for (SocketClient client : new ArrayList<>(connections.values())) {
            updateInterest(client);
            if (next != null && !client.closed) {
                resumed.add(client);
            }
        }
    }

    private void reattach(SocketClient client, Router next) {
        Attachment attachment = new Attachment(this, client);
        try {
            client.link = next.attach(client.name, client.groups, attachment);
            client.attachment = attachment;
            client.reportHeldCounts();
        } catch (SubscriptionRefusedException e) {
            logger.warn("The new router refused '{}' ({}); closing its connection", client.name, e.getMessage());
            closeClient(client, "the new router refused it: " + e.getMessage());
        } catch (RuntimeException e) {
            // One client the router chokes on must not keep the others from being handed over.
            logger.error("The new router failed to take '{}'; closing its connection", client.name, e);
            closeClient(client, "the new router failed to take it: " + e);
        }
    }

    /** Counts a drop that belongs to no attached client; logged only if no router is bound. */
    private void dropped(DropReason reason, int packets, String detail) {
        if (router != null) {
            router.dropped(reason, packets, detail);
        } else {
            logger.warn("{} packets dropped ({}) while no router was bound to count them: {}", packets, reason, detail);
        }
    }

    // ---- Files

    private void prepareFolder(Path folder) throws IOException {
        // Made only at start, and not logged; the FIFO transport logs it because a SUBSCRIPTION may
        // remake its clients' folder under a running server (see docs/RELIABILITY.md).
        PrivateFolder.prepare(posix, folder, "the socket", made -> { });
    }

    /** A socket file left by a server that crashed is removed; one that a live server listens on is not. */
    private void removeStaleSocket(Path socket) throws IOException {
        FileStatus status = posix.lstat(socket);
        if (status == null) {
            return;
        }
        if (status.type() != FileType.OTHER) {
            throw new IOException(socket + " exists and is not a socket (" + status.type() + "); refusing to replace it");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            throw new IOException("another server listens on " + socket + "; refusing to take its place");
        } catch (ConnectException nobodyListens) {
            Files.delete(socket);
            logger.info("Removed the stale socket {}: nobody listened on it", socket);
        }
    }

    private void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (ClosedChannelException alreadyClosed) {
            // Nothing to do.
        } catch (IOException e) {
            logger.debug("Closing {} failed", channel, e);
        }
    }
}
