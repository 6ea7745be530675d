package org.octopipes.client.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.octopipes.client.SubscriptionException;
import org.octopipes.client.SubscriptionException.Reason;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.MalformedCapMessageException;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;

/**
 * A client's connection to the Unix socket transport: the SUBSCRIPTION and its ASSIGNMENT, then
 * the packets both ways, all on one socket. Closing the socket is enough to leave; the client
 * sends an UNSUBSCRIPTION first all the same, so that the server knows it was meant.
 */
public final class SocketConnection implements Connection {

    private final Path socket;
    private final SocketChannel channel;
    private final StreamDecoder decoder;

    private SocketConnection(Path socket, SocketChannel channel, StreamDecoder decoder) {
        this.socket = socket;
        this.channel = channel;
        this.decoder = decoder;
    }

    /**
     * Connects to the socket at {@code socket} and subscribes {@code client} with {@code groups},
     * all within {@code timeout}.
     *
     * @throws SubscriptionException if nobody listens there, the server refused, or no answer came in time
     */
    public static SocketConnection subscribe(Path socket, Name client, List<Name> groups, Duration timeout) throws IOException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (UnsupportedOperationException e) {
            throw new SubscriptionException(Reason.NO_SERVER, "this JVM has no Unix domain sockets", e);
        }
        AtomicBoolean expired = new AtomicBoolean();
        // Closing the channel is what wakes a connect or a read that waits too long.
        ScheduledFuture<?> alarm = Watchdog.after(timeout, () -> {
            expired.set(true);
            closeQuietly(channel);
        });
        StreamDecoder decoder = new StreamDecoder();
        try {
            connect(channel, socket);
            ByteBuffer request = ByteBuffer.wrap(new CapMessage.Subscription(groups).toPacket(client).toBytes());
            while (request.hasRemaining()) {
                channel.write(request);
            }
            Packet[] reply = new Packet[1];
            while (reply[0] == null) {
                // The packets that follow the ASSIGNMENT stay in the decoder, for the client's reader.
                if (decoder.readFrom(channel, frame -> {
                    reply[0] = frame.toPacket();
                    decoder.stop();
                }) < 0) {
                    throw new SubscriptionException(Reason.NO_SERVER, "the server at " + socket + " closed the connection before it answered");
                }
            }
            alarm.cancel(false);
            accept(socket, client, reply[0]);
            return new SocketConnection(socket, channel, decoder);
        } catch (SubscriptionException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            if (expired.get()) {
                // The alarm closed the channel: whatever failed then failed for want of an answer.
                throw new SubscriptionException(Reason.NO_REPLY, "no answer from the server at " + socket + " within " + timeout.toMillis() + " ms", e);
            }
            throw new SubscriptionException(Reason.NO_SERVER, "cannot talk to the server at " + socket + ": " + e.getMessage(), e);
        } finally {
            alarm.cancel(false);
        }
    }

    private static void connect(SocketChannel channel, Path socket) throws IOException {
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (ClosedChannelException e) {
            // Closed by the alarm: the caller tells a timeout.
            throw e;
        } catch (IOException e) {
            String where = !Files.exists(socket) ? "no socket at " : e instanceof ConnectException ? "nobody listens on " : "cannot connect to ";
            throw new SubscriptionException(Reason.NO_SERVER, where + socket + " (" + e.getMessage()
                    + "): is the Octopipes server running with its Unix socket transport?", e);
        }
    }

    private static void accept(Path socket, Name client, Packet reply) throws SubscriptionException {
        CapMessage message;
        try {
            message = CapMessage.parse(reply.payload());
        } catch (MalformedCapMessageException e) {
            throw new SubscriptionException(Reason.UNEXPECTED_REPLY, "the server at " + socket + " answered with no CAP message: " + e.getMessage(), e);
        }
        if (!(message instanceof CapMessage.Assignment assignment) || !reply.origin().isServer()) {
            throw new SubscriptionException(Reason.UNEXPECTED_REPLY, "the server at " + socket + " answered " + message + " from '" + reply.origin() + "', not an ASSIGNMENT");
        }
        switch (assignment.error()) {
            case NONE:
                return;
            case NAME_ALREADY_TAKEN:
                throw new SubscriptionException(Reason.NAME_TAKEN, "the name '" + client + "' is already taken on the server at " + socket);
            default:
                // Over a socket there are no FIFOs to make: error 2 means the server refused the subscription.
                throw new SubscriptionException(Reason.SERVER_FS_ERROR, "the server at " + socket + " refused the subscription of '" + client
                        + "' (error " + assignment.error().code() + "); its log says why");
        }
    }

    @Override
    public WritableByteChannel out() {
        return channel;
    }

    @Override
    public ReadableByteChannel in() {
        return channel;
    }

    @Override
    public StreamDecoder decoder() {
        return decoder;
    }

    @Override
    public Path txPath() {
        return socket;
    }

    @Override
    public Path rxPath() {
        return socket;
    }

    /** A server that goes away closes the connection, and the reader sees it at once. */
    @Override
    public String lostWithoutNotice() {
        return null;
    }

    @Override
    public boolean unsubscribesInBand() {
        return true;
    }

    @Override
    public void unsubscribe(Duration timeout) {
        // Sent in band before the socket was closed.
    }

    @Override
    public void closeChannels() {
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Whatever was written is with the kernel already.
        }
    }
}
