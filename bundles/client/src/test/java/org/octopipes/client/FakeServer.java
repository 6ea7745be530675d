package org.octopipes.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.StreamDecoder;

/**
 * A stand-in for the Octopipes server in client tests: it makes its FIFOs with {@code mkfifo},
 * holds them open read-write as the real server does, answers each subscription the way a test
 * asks, and shows the test what clients write, or routes it between them.
 */
public final class FakeServer implements AutoCloseable {

    /** How the server answers a subscription. */
    public enum Answer {
        /** Makes the FIFOs and assigns them. */
        ASSIGN,
        /** NAME_ALREADY_TAKEN in the 4-byte form of the C server. */
        NAME_TAKEN,
        /** NAME_ALREADY_TAKEN in the 2-byte form of the Rust server. */
        NAME_TAKEN_SHORT,
        /** FS: the FIFOs could not be made. */
        FS_ERROR,
        /** Reads the request and never answers. */
        SILENT,
        /** Assigns FIFOs, but to another client's name. */
        FOR_SOMEBODY_ELSE
    }

    private final Path directory;
    private final Path cap;
    private final FileChannel capChannel;
    private final StreamDecoder capDecoder = new StreamDecoder();
    private final ArrayDeque<Packet> capBacklog = new ArrayDeque<>();
    private final Map<Name, Link> links = new ConcurrentHashMap<>();
    private volatile boolean routing;

    private FakeServer(Path directory) throws IOException {
        this.directory = directory;
        this.cap = directory.resolve("cap.fifo");
        mkfifo(cap);
        this.capChannel = FileChannel.open(cap, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    public static FakeServer start(Path directory) throws IOException {
        return new FakeServer(directory);
    }

    /** Makes a FIFO the way a C server would. */
    public static void mkfifo(Path path) throws IOException {
        Process process = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("mkfifo " + path + " failed: " + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making " + path, e);
        }
    }

    public Path cap() {
        return cap;
    }

    /** From now on, a packet a client writes goes to every client subscribed to its remote. */
    public void routeBetweenClients() {
        routing = true;
    }

    /**
     * Reads the next packet on the CAP in the background and answers it as a subscription with
     * {@code answer}; the future completes with the request once the answer is in the CAP.
     */
    public CompletableFuture<Packet> answerNextSubscription(Answer answer) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Packet request = readCapPacket();
                CapMessage.Subscription subscription = (CapMessage.Subscription) CapMessage.parse(request.payload());
                Name client = request.origin();
                Packet reply;
                switch (answer) {
                    case ASSIGN:
                        reply = assign(client, subscription.groups()).toPacket(client);
                        break;
                    case FOR_SOMEBODY_ELSE:
                        reply = assign(Name.of("mallory"), List.of()).toPacket(Name.of("mallory"));
                        break;
                    case NAME_TAKEN:
                        reply = CapMessage.Assignment.failure(AssignmentError.NAME_ALREADY_TAKEN).toPacket(client);
                        break;
                    case NAME_TAKEN_SHORT:
                        reply = Packet.wrap(Name.SERVER, client, 5, 0, ByteBuffer.wrap(new byte[] {
                            (byte) CapMessage.OBJECT_ASSIGNMENT, (byte) AssignmentError.NAME_ALREADY_TAKEN.code()}));
                        break;
                    case FS_ERROR:
                        reply = CapMessage.Assignment.failure(AssignmentError.FS).toPacket(client);
                        break;
                    default:
                        return request;
                }
                writeFully(capChannel, reply.toBytes());
                return request;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, FakeServer::runOnDaemonThread);
    }

    /** The next packet on the CAP, read in the background. */
    public CompletableFuture<Packet> nextCapPacket() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return readCapPacket();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, FakeServer::runOnDaemonThread);
    }

    /** The FIFOs of the subscribed client {@code name}. */
    public Link link(String name) {
        Link link = links.get(Name.of(name));
        if (link == null) {
            throw new IllegalStateException("no client '" + name + "' subscribed");
        }
        return link;
    }

    @Override
    public void close() throws IOException {
        for (Link link : links.values()) {
            link.disconnect();
        }
        capChannel.close();
        Files.deleteIfExists(cap);
    }

    private synchronized Packet readCapPacket() throws IOException {
        while (capBacklog.isEmpty()) {
            if (capDecoder.readFrom(capChannel, frame -> capBacklog.add(frame.toPacket())) < 0) {
                throw new IOException("end of the CAP");
            }
        }
        return capBacklog.removeFirst();
    }

    private CapMessage.Assignment assign(Name client, List<Name> groups) throws IOException {
        Path clients = Files.createDirectories(directory.resolve("clients"));
        Path tx = clients.resolve(client.toUtf8() + "_tx.fifo");
        Path rx = clients.resolve(client.toUtf8() + "_rx.fifo");
        mkfifo(tx);
        mkfifo(rx);
        links.put(client, new Link(client, groups, tx, rx));
        return CapMessage.Assignment.success(tx.toString().getBytes(StandardCharsets.UTF_8), rx.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void route(Frame frame) {
        for (Link link : links.values()) {
            if (link.name.equals(frame.remote()) || link.groups.contains(frame.remote())) {
                try {
                    ByteBuffer bytes = ByteBuffer.allocate(frame.size());
                    frame.copyTo(bytes);
                    link.write(bytes.array());
                } catch (IOException e) {
                    // That client is gone: like the real server, drop its copy.
                }
            }
        }
    }

    private static void runOnDaemonThread(Runnable task) {
        Thread thread = new Thread(task, "fake-server-task");
        thread.setDaemon(true);
        thread.start();
    }

    static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** A packet a client wrote to its TX FIFO, with the exact bytes it arrived as. */
    public record Received(Packet packet, byte[] bytes) {
    }

    /** One subscribed client's FIFOs, seen from the server: it reads TX and writes RX. */
    public final class Link {

        private final Name name;
        private final List<Name> groups;
        private final Path tx;
        private final Path rx;
        private final FileChannel txChannel;
        private final FileChannel rxChannel;
        private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        private final List<PacketError> errors = new CopyOnWriteArrayList<>();

        private Link(Name name, List<Name> groups, Path tx, Path rx) throws IOException {
            this.name = name;
            this.groups = new ArrayList<>(groups);
            this.tx = tx;
            this.rx = rx;
            this.txChannel = FileChannel.open(tx, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.rxChannel = FileChannel.open(rx, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Thread reader = new Thread(this::readTx, "fake-server-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        public Path tx() {
            return tx;
        }

        public Path rx() {
            return rx;
        }

        public List<Name> groups() {
            return groups;
        }

        /** Writes {@code bytes} to the client's RX FIFO in one write. */
        public void write(byte[] bytes) throws IOException {
            synchronized (rxChannel) {
                writeFully(rxChannel, bytes);
            }
        }

        public void write(Packet packet) throws IOException {
            write(packet.toBytes());
        }

        /** The next packet the client wrote, waiting up to 5 s; fails the test if none came. */
        public Received next() throws InterruptedException {
            Received next = received.poll(5, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("client '" + name + "' wrote nothing within 5 s");
            }
            return next;
        }

        /** The next packet the client wrote, or null if none comes within {@code millis}. */
        public Received poll(long millis) throws InterruptedException {
            return received.poll(millis, TimeUnit.MILLISECONDS);
        }

        /** Decoding errors on the client's TX FIFO: bytes that were not whole packets. */
        public List<PacketError> errors() {
            return errors;
        }

        /** Goes away like a server that stops: closes its ends, then deletes the FIFOs. */
        public void disconnect() throws IOException {
            txChannel.close();
            rxChannel.close();
            Files.deleteIfExists(tx);
            Files.deleteIfExists(rx);
        }

        /** Deletes the FIFOs but keeps them open, like a server that leaks them. */
        public void deleteButKeepOpen() throws IOException {
            Files.delete(tx);
            Files.delete(rx);
        }

        private void readTx() {
            StreamDecoder decoder = new StreamDecoder();
            FrameHandler handler = new FrameHandler() {
                @Override
                public void onFrame(Frame frame) {
                    byte[] bytes = new byte[frame.size()];
                    frame.copyTo(ByteBuffer.wrap(bytes));
                    received.add(new Received(frame.toPacket(), bytes));
                    if (routing) {
                        route(frame);
                    }
                }

                @Override
                public void onError(PacketError error, long streamOffset) {
                    errors.add(error);
                }
            };
            try {
                while (decoder.readFrom(txChannel, handler) >= 0) {
                    // Holding TX read-write, the fake never sees an end: closing the channel ends the loop.
                }
            } catch (IOException e) {
                // Closed by disconnect().
            }
        }
    }
}
