package org.octopipes.transport.unix.impl;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.octopipes.codec.StreamDecoder;

/**
 * A client of the socket transport written against the wire format only, with a blocking socket:
 * what any program in any language would do. Received packets are queued by a reader thread that
 * a test starts when it wants the peer to read.
 */
final class SocketPeer implements AutoCloseable {

    final Name name;
    final SocketChannel channel;
    final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    private final StreamDecoder decoder = new StreamDecoder();
    private volatile boolean ended;
    private Thread reader;

    private SocketPeer(Name name, SocketChannel channel) {
        this.name = name;
        this.channel = channel;
    }

    static SocketPeer connect(Path socket, String name) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new SocketPeer(Name.of(name), channel);
    }

    /** Sends a SUBSCRIPTION and returns the ASSIGNMENT read back from the same connection. */
    CapMessage.Assignment subscribe(String... groups) throws IOException, InterruptedException {
        Name[] names = new Name[groups.length];
        for (int i = 0; i < groups.length; i++) {
            names[i] = Name.of(groups[i]);
        }
        write(CapMessage.Subscription.of(names).toPacket(name).toBytes());
        Packet reply = readOne();
        if (reply == null) {
            throw new IOException("the server closed the connection of '" + name + "' without an ASSIGNMENT");
        }
        return (CapMessage.Assignment) CapMessage.parse(reply.payload());
    }

    void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    void send(String remote, String payload) throws IOException {
        send(Packet.wrap(name, Name.of(remote), Protocol.DEFAULT_MESSAGE_TTL, 0,
                ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))));
    }

    void send(Packet packet) throws IOException {
        write(packet.toBytes());
    }

    /** The next packet from the reader thread, or null if none comes within {@code timeout}. */
    Packet receive(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One packet, read on the calling thread (before {@link #startReading()}); null if the server closes first. */
    private Packet readOne() throws IOException {
        Packet[] one = new Packet[1];
        while (one[0] == null) {
            if (decoder.readFrom(channel, frame -> {
                one[0] = frame.toPacket();
                decoder.stop();
            }) < 0) {
                return null;
            }
        }
        return one[0];
    }

    /** Reads from now on, on a thread of its own, into {@link #received}. */
    void startReading() {
        reader = new Thread(() -> {
            try {
                decoder.drain(frame -> received.add(frame.toPacket()));
                while (decoder.readFrom(channel, frame -> received.add(frame.toPacket())) >= 0) {
                    // Reads until the server closes the connection.
                }
            } catch (IOException e) {
                // Closed by the test or the server.
            }
            ended = true;
        }, "peer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Whether the server closed the connection; only with {@link #startReading()}. */
    boolean ended() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
