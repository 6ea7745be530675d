package org.octopipes.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;

/**
 * One connection's worth of a Unix socket server, on a real socket, for the client's own tests:
 * answers the SUBSCRIPTION as told and records what the client writes afterwards. The real
 * transport meets the client in the Felix tests.
 */
public final class FakeSocketServer implements AutoCloseable {

    private final Path socket;
    private final ServerSocketChannel listener;
    private final Thread thread;
    /** Every packet the client wrote, the SUBSCRIPTION first. */
    public final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    /** Set once the client closed its end. */
    public volatile boolean clientClosed;
    private volatile SocketChannel connection;

    private FakeSocketServer(Path socket, AssignmentError answer, byte[] sentWithTheAnswer) throws IOException {
        this.socket = socket;
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> serve(answer, sentWithTheAnswer), "fake-socket-server");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Listens at {@code socket}; answers the first SUBSCRIPTION with {@code answer}, and on success
     * writes {@code sentWithTheAnswer} in the same write, as packets that follow at once would come.
     */
    public static FakeSocketServer start(Path socket, AssignmentError answer, byte[] sentWithTheAnswer) throws IOException {
        return new FakeSocketServer(socket, answer, sentWithTheAnswer);
    }

    public Path socket() {
        return socket;
    }

    private void serve(AssignmentError answer, byte[] sentWithTheAnswer) {
        try (SocketChannel channel = listener.accept()) {
            connection = channel;
            StreamDecoder decoder = new StreamDecoder();
            boolean answered = false;
            while (true) {
                int count = decoder.readFrom(channel, frame -> received.add(frame.toPacket()));
                if (count < 0) {
                    clientClosed = true;
                    return;
                }
                if (!answered && !received.isEmpty()) {
                    answered = true;
                    Packet subscription = received.peek();
                    CapMessage.Assignment assignment = answer == AssignmentError.NONE
                            ? CapMessage.Assignment.success(socket.toString().getBytes(), socket.toString().getBytes())
                            : CapMessage.Assignment.failure(answer);
                    byte[] reply = assignment.toPacket(subscription.origin()).toBytes();
                    ByteBuffer out = ByteBuffer.allocate(reply.length + sentWithTheAnswer.length).put(reply).put(sentWithTheAnswer).flip();
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                    if (answer != AssignmentError.NONE) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // Closed by the test.
        }
    }

    /** Writes {@code packet} to the client. */
    public void send(Packet packet) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(packet.toBytes());
        while (out.hasRemaining()) {
            connection.write(out);
        }
    }

    /** Ends the connection from the server's side, as a server that stops does. */
    public void dropClient() throws IOException {
        connection.close();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        SocketChannel current = connection;
        if (current != null) {
            current.close();
        }
    }
}
