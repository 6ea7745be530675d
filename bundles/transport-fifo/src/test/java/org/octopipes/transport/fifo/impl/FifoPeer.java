package org.octopipes.transport.fifo.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.posix.Posix;

/**
 * A client for tests that speaks to the server through plain FIFO files, the way the reference C
 * client does: the CAP is written, then read for the reply; TX is written, RX is read.
 */
final class FifoPeer implements AutoCloseable {

    final Name name;
    final Path tx;
    final Path rx;
    private final FileChannel rxChannel;
    private final StreamDecoder rxDecoder = new StreamDecoder();
    private final List<Packet> received = new ArrayList<>();

    private FifoPeer(Name name, Path tx, Path rx) throws IOException {
        this.name = name;
        this.tx = tx;
        this.rx = rx;
        this.rxChannel = FileChannel.open(rx, StandardOpenOption.READ);
    }

    /** Subscribes and returns the connected peer; fails if the server does not assign FIFOs. */
    static FifoPeer subscribe(Path cap, String name, String... groups) throws Exception {
        CapMessage.Assignment assignment = requestAssignment(cap, Name.of(name), groups);
        if (!assignment.isSuccess()) {
            throw new IllegalStateException("subscription refused: " + assignment.error());
        }
        return new FifoPeer(Name.of(name), Path.of(new String(assignment.txPath(), StandardCharsets.UTF_8)),
                Path.of(new String(assignment.rxPath(), StandardCharsets.UTF_8)));
    }

    /**
     * Writes a SUBSCRIPTION and reads the reply from the CAP. Whatever else it reads there (its own
     * request, if the server had not taken it yet, or a reply for another client) it puts back.
     */
    static CapMessage.Assignment requestAssignment(Path cap, Name name, String... groups) throws Exception {
        List<Name> groupNames = new ArrayList<>();
        for (String group : groups) {
            groupNames.add(Name.of(group));
        }
        write(cap, new CapMessage.Subscription(groupNames).toPacket(name).toBytes());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            CapMessage.Assignment ours = null;
            for (Packet packet : readPackets(cap, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                if (ours == null && packet.remote().equals(name) && packet.origin().isServer()) {
                    ours = (CapMessage.Assignment) CapMessage.parse(packet.payload());
                } else {
                    write(cap, packet.toBytes());
                }
            }
            if (ours != null) {
                return ours;
            }
            // Protocol pacing, not test synchronisation: like the reference client, leave the CAP
            // to the server and the other clients for a moment before reading it again.
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Opens, writes all of {@code bytes}, closes: what the reference client does for every packet. */
    static void write(Path fifo, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Opens the FIFO, reads until at least one whole packet arrived, closes; gives up after {@code timeout}. */
    static List<Packet> readPackets(Path fifo, Duration timeout) throws Exception {
        FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ);
        CompletableFuture<List<Packet>> packets = CompletableFuture.supplyAsync(() -> {
            StreamDecoder decoder = new StreamDecoder();
            List<Packet> read = new ArrayList<>();
            try {
                while (read.isEmpty()) {
                    if (decoder.readFrom(channel, frame -> read.add(frame.toPacket())) < 0) {
                        throw new IOException("end of stream on " + fifo);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return read;
        });
        try {
            return packets.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            channel.close();
        }
    }

    void send(String remote, String payload) throws IOException {
        send(Packet.builder().origin(name).remote(Name.of(remote)).payload(payload.getBytes(StandardCharsets.UTF_8)).build());
    }

    void send(Packet packet) throws IOException {
        write(tx, packet.toBytes());
    }

    void sendRaw(byte[] bytes) throws IOException {
        write(tx, bytes);
    }

    /** Writes packets of 1,000 bytes to {@code remote}, about {@code bytes} in all, in one write; returns how many. */
    int sendBurst(String remote, int bytes) throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int packets = 0;
        while (stream.size() < bytes) {
            stream.writeBytes(Packet.builder().origin(name).remote(Name.of(remote)).payload(new byte[1000]).build().toBytes());
            packets++;
        }
        sendRaw(stream.toByteArray());
        return packets;
    }

    /** Bytes waiting in a FIFO. */
    static int available(Path fifo) throws IOException {
        return ask(fifo, fd -> Posix.get().bytesAvailable(fd));
    }

    /** The capacity of a FIFO as the kernel reports it. */
    static int pipeSize(Path fifo) throws IOException {
        return ask(fifo, fd -> Posix.get().pipeSize(fd));
    }

    private interface FifoQuestion {
        int ask(int fd) throws IOException;
    }

    /** Asks the kernel about a FIFO through a descriptor of our own. */
    private static int ask(Path fifo, FifoQuestion question) throws IOException {
        int fd = Posix.get().open(fifo, Posix.O_RDWR | Posix.O_NONBLOCK, 0);
        try {
            return question.ask(fd);
        } finally {
            Posix.get().close(fd);
        }
    }

    /** Blocks until {@code count} packets have arrived in all, and returns all of them. */
    List<Packet> receive(int count, Duration timeout) throws Exception {
        CompletableFuture<List<Packet>> done = CompletableFuture.supplyAsync(() -> {
            try {
                while (received.size() < count) {
                    rxDecoder.readFrom(rxChannel, frame -> received.add(frame.toPacket()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return List.copyOf(received);
        });
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("'" + name + "' received " + received.size() + " of " + count + " packets", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /** Losses of sync in what this peer received whose first error was {@code error}: it checks every packet, as a client must. */
    long receivedErrors(org.octopipes.codec.PacketError error) {
        return rxDecoder.errorCount(error);
    }

    void unsubscribe(Path cap) throws IOException {
        write(cap, CapMessage.Unsubscription.INSTANCE.toPacket(name).toBytes());
    }

    @Override
    public void close() throws IOException {
        rxChannel.close();
    }
}
