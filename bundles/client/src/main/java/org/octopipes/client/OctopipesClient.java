package org.octopipes.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.octopipes.client.internal.CapHandshake;
import org.octopipes.client.internal.CapHandshake.FifoPaths;
import org.octopipes.client.internal.Connection;
import org.octopipes.client.internal.FifoConnection;
import org.octopipes.client.internal.FifoOpener;
import org.octopipes.client.internal.InboundQueue;
import org.octopipes.client.internal.SocketConnection;
import org.octopipes.client.internal.Watchdog;
import org.octopipes.codec.CapLocation;
import org.octopipes.codec.SocketLocation;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.StreamDecoder;

/**
 * A client subscribed to an Octopipes server: it sends packets through its TX FIFO and receives
 * the packets for its name and groups from its RX FIFO, on a reader thread of its own. Closing it
 * unsubscribes. Sending is thread-safe; receiving goes either to a callback or to
 * {@link #receive(Duration)}.
 *
 * <pre>{@code
 * try (OctopipesClient client = OctopipesClient.builder(OctopipesClient.defaultCapPath()).name("alice").groups("ops").connect()) {
 *     client.send("bob", "hello".getBytes(UTF_8));
 *     Packet reply = client.receive(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>A server with the Unix socket transport is reached the same way through
 * {@link #socketBuilder(Path)}: the subscription and the packets both ways then go over one
 * connection to that socket, and everything else is as with FIFOs.
 */
public final class OctopipesClient implements AutoCloseable {

    /** Environment variable that names the CAP, overriding the default location. */
    public static final String CAP_ENVIRONMENT_VARIABLE = CapLocation.ENVIRONMENT_VARIABLE;

    /** How long a client waits for the server's ASSIGNMENT unless told otherwise; the reference client's too. */
    public static final Duration DEFAULT_SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);

    /** Packets the receive queue holds before the reader waits for the application. */
    public static final int DEFAULT_RECEIVE_QUEUE_CAPACITY = 1024;

    private static final System.Logger LOG = System.getLogger(OctopipesClient.class.getName());

    /**
     * How often a client checks that its FIFOs are still the ones the server made. A server that
     * dies closes them and the reader sees the end at once; this catches one that deleted or
     * replaced them while keeping them open, where a read would otherwise wait forever.
     */
    private static final Duration FIFO_CHECK_PERIOD = Duration.ofSeconds(1);

    /** Environment variable that names the Unix socket, overriding the default location. */
    public static final String SOCKET_ENVIRONMENT_VARIABLE = SocketLocation.ENVIRONMENT_VARIABLE;

    /** The socket's file name in the CAP's folder, where the server puts it unless configured otherwise. */
    public static final String DEFAULT_SOCKET_FILE_NAME = SocketLocation.FILE_NAME;

    /** Packets up to this size are encoded into one reused buffer instead of a new array each. */
    private static final int SEND_BUFFER_SIZE = 64 * 1024;

    private final Path capPath;
    private final Name name;
    private final List<Name> groups;
    private final Path txPath;
    private final Path rxPath;
    private final Duration subscribeTimeout;
    private final boolean autoAck;
    private final Consumer<Packet> onMessage;
    private final Consumer<DisconnectedException> onDisconnect;
    private final InboundQueue queue;
    private final Connection connection;
    private final WritableByteChannel tx;

    private final ReentrantLock sendLock = new ReentrantLock();
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(SEND_BUFFER_SIZE);
    /** Why this client stopped, the first reason only; null while connected. */
    private final AtomicReference<DisconnectedException> end = new AtomicReference<>();
    private final Thread reader;
    private volatile ScheduledFuture<?> fifoCheck;

    private OctopipesClient(Builder builder, Connection connection) {
        this.capPath = builder.capPath;
        this.name = builder.name;
        this.groups = List.copyOf(builder.groups);
        this.connection = connection;
        this.txPath = connection.txPath();
        this.rxPath = connection.rxPath();
        this.subscribeTimeout = builder.subscribeTimeout;
        this.autoAck = builder.autoAck;
        this.onMessage = builder.onMessage;
        this.onDisconnect = builder.onDisconnect;
        this.queue = onMessage == null ? new InboundQueue(builder.receiveQueueCapacity) : null;
        this.tx = connection.out();
        this.reader = new Thread(this::readUntilEnd, "octopipes-client-" + name);
        reader.setDaemon(true);
    }

    private OctopipesClient start() {
        fifoCheck = Watchdog.every(FIFO_CHECK_PERIOD, this::checkStillConnected);
        reader.start();
        return this;
    }

    /** A builder for a client of the server whose CAP is at {@code capPath}. */
    public static Builder builder(Path capPath) {
        return new Builder(capPath);
    }

    /** A builder for a client of the server at {@link #defaultCapPath()}. */
    public static Builder builder() {
        return new Builder(defaultCapPath());
    }

    /**
     * A builder for a client of the server's Unix socket transport at {@code socketPath}: the
     * subscription and the packets both ways go over one connection to it.
     */
    public static Builder socketBuilder(Path socketPath) {
        Builder builder = new Builder(socketPath);
        builder.overSocket = true;
        return builder;
    }

    /**
     * Where the server's Unix socket is unless configured: {@link SocketLocation#defaultPath()}, the
     * rule the server's socket transport applies too. The path in
     * {@value #SOCKET_ENVIRONMENT_VARIABLE} if set, else {@value #DEFAULT_SOCKET_FILE_NAME} in the
     * folder of {@link #defaultCapPath()}.
     */
    public static Path defaultSocketPath() {
        return SocketLocation.defaultPath();
    }

    /**
     * Where the CAP is unless configured: {@link CapLocation#defaultPath()}, the one rule that
     * clients, the server and the launcher share. In order: the path in
     * {@value #CAP_ENVIRONMENT_VARIABLE} if set; {@code $XDG_RUNTIME_DIR/octopipes/cap.fifo} if
     * {@code XDG_RUNTIME_DIR} is set; otherwise {@code <java.io.tmpdir>/octopipes-<user.name>/cap.fifo}.
     */
    public static Path defaultCapPath() {
        return CapLocation.defaultPath();
    }

    public Name name() {
        return name;
    }

    /** The groups this client subscribed to, besides its own name. */
    public List<Name> groups() {
        return groups;
    }

    /** Where this client subscribed: the CAP, or the Unix socket for a client of {@link #socketBuilder}. */
    public Path capPath() {
        return capPath;
    }

    /** The FIFO this client writes to; the socket for a client of {@link #socketBuilder}. */
    public Path txPath() {
        return txPath;
    }

    /** The FIFO this client reads from; the socket for a client of {@link #socketBuilder}. */
    public Path rxPath() {
        return rxPath;
    }

    /** Whether this client can still send and receive: not closed, and its server not gone. */
    public boolean isOpen() {
        return end.get() == null;
    }

    /** Sends {@code payload} to {@code remote}, a client or a group, with the reference TTL and no ACK request. */
    public void send(Name remote, byte[] payload) throws IOException {
        send(Message.to(remote).payload(payload));
    }

    /** Sends {@code payload} to the UTF-8 name {@code remote}. */
    public void send(String remote, byte[] payload) throws IOException {
        send(Message.to(remote).payload(payload));
    }

    /**
     * Sends {@code message} with this client's name as origin. Thread-safe: each packet goes out
     * whole, in one write when it fits the FIFO. Blocks while the server does not drain the FIFO.
     * Interrupting a thread blocked here closes the TX FIFO, as it does any {@link FileChannel},
     * and so ends the connection.
     *
     * @throws DisconnectedException if the client is closed or the server went away
     */
    public void send(Message message) throws IOException {
        write(message.toPacket(name));
    }

    /**
     * The next packet for this client, waiting as long as it takes. ACKs come too:
     * {@link Message#isAck(Packet)} tells them apart.
     *
     * @throws DisconnectedException once the client is closed, or the server went away and the
     *         packets that came before were taken
     * @throws IllegalStateException if packets go to an {@code onMessage} callback instead
     */
    public Packet receive() throws IOException, InterruptedException {
        return queue().take(-1);
    }

    /**
     * The next packet for this client, or null if none comes within {@code timeout}.
     *
     * @see #receive()
     */
    public Packet receive(Duration timeout) throws IOException, InterruptedException {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return queue().take(nanos);
    }

    private InboundQueue queue() {
        if (queue == null) {
            throw new IllegalStateException("client '" + name + "' hands its packets to an onMessage callback; receive() has none");
        }
        return queue;
    }

    /**
     * Unsubscribes (fire-and-forget: the server sends no reply), stops the reader thread and
     * closes the FIFOs. Packets not yet received are dropped. Calling it again does nothing.
     */
    @Override
    public void close() {
        DisconnectedException closed = new DisconnectedException("client '" + name + "' is closed", false, null);
        if (!end.compareAndSet(null, closed)) {
            // Closed before, or the server is gone and there is nothing to unsubscribe from; either
            // way receive() says "closed" from now on.
            if (queue != null) {
                queue.end(closed, true);
            }
            return;
        }
        if (connection.unsubscribesInBand()) {
            unsubscribeInBand();
        }
        stopIo();
        if (queue != null) {
            queue.end(closed, true);
        }
        if (Thread.currentThread() != reader) {
            try {
                reader.join(subscribeTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            connection.unsubscribe(subscribeTimeout);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "client ''{0}'' could not unsubscribe: {1}", name, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "OctopipesClient[" + name + " at " + capPath + (isOpen() ? "" : ", closed") + "]";
    }

    /** The UNSUBSCRIPTION on the connection itself, after whatever a send is writing now. */
    private void unsubscribeInBand() {
        Packet unsubscription = CapMessage.Unsubscription.INSTANCE.toPacket(name);
        // A send blocked on a server that does not read must not hold up close(): give up after the timeout.
        try {
            if (!sendLock.tryLock(subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(unsubscription.toBytes());
            while (bytes.hasRemaining()) {
                tx.write(bytes);
            }
        } catch (IOException e) {
            // The server is gone or the socket closed: closing it below leaves all the same.
        } finally {
            sendLock.unlock();
        }
    }

    private void write(Packet packet) throws IOException {
        DisconnectedException ended = end.get();
        if (ended != null) {
            throw new DisconnectedException(ended.getMessage(), ended.isLost(), ended);
        }
        sendLock.lock();
        try {
            int size = packet.size();
            ByteBuffer bytes = size <= sendBuffer.capacity() ? sendBuffer.clear() : ByteBuffer.allocate(size);
            packet.encodeTo(bytes);
            bytes.flip();
            while (bytes.hasRemaining()) {
                tx.write(bytes);
            }
        } catch (IOException e) {
            // A write to a FIFO fails when nobody reads it any more (EPIPE) or when the channel was
            // closed under it; half a packet may be in the FIFO, so this connection is over.
            connectionLost("cannot write to " + txPath + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
            DisconnectedException reason = end.get();
            throw new DisconnectedException(reason.getMessage(), reason.isLost(), e);
        } finally {
            sendLock.unlock();
        }
    }

    private void readUntilEnd() {
        StreamDecoder decoder = connection.decoder();
        FrameHandler handler = new FrameHandler() {
            @Override
            public void onFrame(Frame frame) {
                deliver(frame.toPacket());
            }

            @Override
            public void onError(PacketError error, long streamOffset) {
                LOG.log(System.Logger.Level.WARNING, "client ''{0}'': bad bytes on {1} at offset {2} ({3}), skipped to the next packet",
                        name, rxPath, streamOffset, error);
            }
        };
        try {
            // Packets that came with the answer to the subscription, over a socket.
            decoder.drain(handler);
            while (end.get() == null) {
                if (decoder.readFrom(connection.in(), handler) < 0) {
                    connectionLost("the server closed " + rxPath + ": it stopped or dropped this client", null);
                }
            }
        } catch (ClosedChannelException e) {
            // close() or the FIFO check closed it and said why; anything else that closes it is a loss.
            connectionLost(rxPath + " was closed", e);
        } catch (IOException e) {
            connectionLost("cannot read " + rxPath + ": " + e.getMessage(), e);
        }
        DisconnectedException reason = end.get();
        if (reason.isLost() && onDisconnect != null) {
            try {
                onDisconnect.accept(reason);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "client '" + name + "': the onDisconnect callback failed", e);
            }
        }
    }

    private void deliver(Packet packet) {
        if (end.get() != null) {
            return;
        }
        // ACK before handing the packet over, so a slow application does not delay the sender.
        if (autoAck && Message.isAckRequested(packet) && !Message.isAck(packet)) {
            try {
                write(packet.ack(name));
            } catch (IOException e) {
                if (end.get() == null) {
                    LOG.log(System.Logger.Level.WARNING, "client ''{0}'' could not acknowledge a packet from ''{1}'': {2}", name, packet.origin(), e.getMessage());
                }
            }
        }
        if (onMessage != null) {
            try {
                onMessage.accept(packet);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "client '" + name + "': the onMessage callback failed on " + packet, e);
            }
        } else {
            try {
                queue.put(packet);
            } catch (InterruptedException e) {
                // close() interrupts a reader that waits for room; the next read then ends the loop.
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkStillConnected() {
        String lost = connection.lostWithoutNotice();
        if (lost != null) {
            connectionLost(lost, null);
        }
    }

    /** Records that the server went away, unless the client already stopped, and stops I/O. */
    private void connectionLost(String what, Throwable cause) {
        DisconnectedException lost = new DisconnectedException("client '" + name + "' lost its server: " + what, true, cause);
        if (end.compareAndSet(null, lost)) {
            stopIo();
            if (queue != null) {
                queue.end(lost, false);
            }
        }
    }

    private void stopIo() {
        ScheduledFuture<?> check = fifoCheck;
        if (check != null) {
            check.cancel(false);
        }
        // Closing a FileChannel or a SocketChannel wakes a thread blocked reading or writing it.
        connection.closeChannels();
        if (queue != null && Thread.currentThread() != reader) {
            // The reader may be waiting for room in the queue rather than in a read.
            reader.interrupt();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // A FIFO has no buffered data that closing could lose.
        }
    }

    /** Configures a client, then subscribes it with {@link #connect()}. */
    public static final class Builder {

        private final Path capPath;
        private Name name;
        private final List<Name> groups = new ArrayList<>();
        private Duration subscribeTimeout = DEFAULT_SUBSCRIBE_TIMEOUT;
        private boolean autoAck = true;
        private Consumer<Packet> onMessage;
        private Consumer<DisconnectedException> onDisconnect;
        private int receiveQueueCapacity = DEFAULT_RECEIVE_QUEUE_CAPACITY;

        /** Whether {@link #capPath} is the Unix socket of the socket transport. */
        private boolean overSocket;

        private Builder(Path capPath) {
            this.capPath = Objects.requireNonNull(capPath, "capPath");
        }

        /** The client's name: its UTF-8 bytes. Required. */
        public Builder name(String name) {
            return name(Name.of(name));
        }

        /** The client's name. Required; not empty, which is the server's name. */
        public Builder name(Name name) {
            if (name.isServer()) {
                throw new IllegalArgumentException("a client's name is not empty: the empty name is the server's");
            }
            this.name = name;
            return this;
        }

        /** Groups to subscribe to besides the client's own name, as UTF-8; replaces earlier ones. */
        public Builder groups(String... groups) {
            return groups(Arrays.stream(groups).map(Name::of).toArray(Name[]::new));
        }

        /** Groups to subscribe to besides the client's own name; replaces earlier ones. */
        public Builder groups(Name... groups) {
            if (groups.length > CapMessage.MAX_GROUPS) {
                throw new IllegalArgumentException("a client subscribes to at most " + CapMessage.MAX_GROUPS + " groups, not " + groups.length);
            }
            for (Name group : groups) {
                if (group.isServer()) {
                    throw new IllegalArgumentException("a group's name is not empty: the empty name is the server's");
                }
            }
            this.groups.clear();
            this.groups.addAll(Arrays.asList(groups));
            return this;
        }

        /**
         * How long to wait for the server: for its ASSIGNMENT, then for the FIFOs to open, and on
         * close for the CAP to take the UNSUBSCRIPTION. Default {@link #DEFAULT_SUBSCRIBE_TIMEOUT}.
         */
        public Builder subscribeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the subscribe timeout must be positive, not " + timeout);
            }
            this.subscribeTimeout = timeout;
            return this;
        }

        /** Whether to answer packets that carry RCK with an ACK automatically; on by default. */
        public Builder autoAck(boolean autoAck) {
            this.autoAck = autoAck;
            return this;
        }

        /**
         * Hands every received packet to {@code callback} on the client's reader thread instead of
         * queueing it for {@link OctopipesClient#receive}. A slow callback holds up reading.
         */
        public Builder onMessage(Consumer<Packet> callback) {
            this.onMessage = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /** Called once, on the reader thread, if the server goes away; not when the client is closed. */
        public Builder onDisconnect(Consumer<DisconnectedException> callback) {
            this.onDisconnect = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /** How many received packets {@link OctopipesClient#receive} may have waiting; default {@link #DEFAULT_RECEIVE_QUEUE_CAPACITY}. */
        public Builder receiveQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("the receive queue holds at least 1 packet, not " + capacity);
            }
            this.receiveQueueCapacity = capacity;
            return this;
        }

        /**
         * Subscribes through the CAP the way the reference C client does, opens the FIFOs the
         * server assigned and starts receiving.
         *
         * @throws SubscriptionException if the server refused, did not answer in time, is not
         *         there, or assigned FIFOs that cannot be opened
         */
        public OctopipesClient connect() throws IOException {
            if (name == null) {
                throw new IllegalStateException("a client needs a name");
            }
            if (overSocket) {
                return new OctopipesClient(this, SocketConnection.subscribe(capPath, name, groups, subscribeTimeout)).start();
            }
            FifoPaths fifos = CapHandshake.subscribe(capPath, name, groups, subscribeTimeout);
            FileChannel tx = null;
            try {
                Instant deadline = Instant.now().plus(subscribeTimeout);
                tx = FifoOpener.openForWriting(fifos.tx(), deadline);
                FileChannel rx = FifoOpener.openForReading(fifos.rx(), deadline);
                return new OctopipesClient(this, new FifoConnection(capPath, name, fifos.tx(), fifos.rx(), tx, rx)).start();
            } catch (IOException e) {
                if (tx != null) {
                    closeQuietly(tx);
                }
                try {
                    // The server has this client on its books now: take it off again.
                    CapHandshake.unsubscribe(capPath, name, subscribeTimeout);
                } catch (IOException unsubscribeFailure) {
                    e.addSuppressed(unsubscribeFailure);
                }
                throw new SubscriptionException(SubscriptionException.Reason.FIFOS_UNUSABLE, "the server at " + capPath + " assigned "
                        + fifos.tx() + " and " + fifos.rx() + " to '" + name + "', but: " + e.getMessage(), e);
            }
        }
    }
}
