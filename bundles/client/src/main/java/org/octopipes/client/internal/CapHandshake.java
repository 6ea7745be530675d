package org.octopipes.client.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The client's side of the CAP sub-protocol, done in the reference C client's order (write the
 * request, close, then read the reply from the same FIFO) so that a server that serves that client
 * serves this one.
 */
public final class CapHandshake {

    /**
     * How long the reference client waits between writing its request and reading the CAP. The CAP
     * carries both directions, so reading at once could take back the request before the server
     * has read it; servers are built to take a request well within this time.
     */
    public static final Duration REPLY_DELAY = Duration.ofMillis(100);

    private CapHandshake() {
    }

    /** The FIFOs the server made for a client: it writes to {@code tx} and reads from {@code rx}. */
    public record FifoPaths(Path tx, Path rx) {
    }

    /**
     * Subscribes {@code client} with {@code groups} through the CAP at {@code cap}, all within
     * {@code timeout}.
     *
     * @throws SubscriptionException if the server refused, did not answer, or is not there
     */
    public static FifoPaths subscribe(Path cap, Name client, List<Name> groups, Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        Packet request = new CapMessage.Subscription(groups).toPacket(client);
        writeRequest(cap, request, deadline, timeout);
        pauseForTheServer(deadline);
        while (true) {
            Packet ours = null;
            for (Packet packet : readPackets(cap, deadline, timeout)) {
                if (ours == null && isReplyFor(client, packet)) {
                    ours = packet;
                } else {
                    // Not ours: our own request, read before the server took it, or the reply to
                    // another client subscribing at the same moment. The CAP is shared: put it
                    // back for its reader.
                    writeRequest(cap, packet, deadline, timeout);
                }
            }
            if (ours != null) {
                return acceptAssignment(cap, client, ours);
            }
            // Give the server and the other clients their turn before reading again.
            pauseForTheServer(deadline);
        }
    }

    private static boolean isReplyFor(Name client, Packet reply) {
        return reply.origin().isServer() && reply.remote().equals(client);
    }

    /** Tells the server at {@code cap} that {@code client} leaves; the server sends no reply. */
    public static void unsubscribe(Path cap, Name client, Duration timeout) throws IOException {
        writeRequest(cap, CapMessage.Unsubscription.INSTANCE.toPacket(client), Instant.now().plus(timeout), timeout);
    }

    private static void writeRequest(Path cap, Packet request, Instant deadline, Duration timeout) throws IOException {
        try (FileChannel channel = FifoOpener.openForWriting(cap, deadline)) {
            // One write, so that requests from clients subscribing at once do not interleave.
            ByteBuffer bytes = ByteBuffer.wrap(request.toBytes());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (NoSuchFileException e) {
            throw new SubscriptionException(Reason.NO_SERVER, "no CAP at " + cap + ": is the Octopipes server running?", e);
        } catch (NoPeerException e) {
            throw new SubscriptionException(Reason.NO_SERVER, "nobody reads the CAP " + cap + " (waited " + seconds(timeout) + "): is the Octopipes server running?", e);
        } catch (IOException e) {
            throw new SubscriptionException(Reason.NO_SERVER, "cannot write to the CAP " + cap + ": " + e.getMessage(), e);
        }
    }

    private static void pauseForTheServer(Instant deadline) throws InterruptedIOException {
        Duration left = Duration.between(Instant.now(), deadline);
        try {
            Thread.sleep(Math.max(0, Math.min(REPLY_DELAY.toMillis(), left.toMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while subscribing");
        }
    }

    /**
     * Reads from the CAP until at least one whole packet has come, and returns all that came, so
     * that none is lost; fails at the deadline. Every CAP packet is far below PIPE_BUF and so is
     * written whole: a read does not end in the middle of one.
     */
    private static List<Packet> readPackets(Path cap, Instant deadline, Duration timeout) throws IOException {
        FileChannel channel;
        try {
            channel = FifoOpener.openForReading(cap, deadline);
        } catch (NoSuchFileException e) {
            throw new SubscriptionException(Reason.NO_SERVER, "the CAP " + cap + " disappeared while subscribing: the server stopped", e);
        } catch (NoPeerException e) {
            throw new SubscriptionException(Reason.NO_SERVER, "nobody writes to the CAP " + cap + " (waited " + seconds(timeout) + "): is the Octopipes server running?", e);
        }
        AtomicBoolean expired = new AtomicBoolean();
        // Closing the channel is what wakes a read that waits on an empty FIFO.
        ScheduledFuture<?> alarm = Watchdog.after(Duration.between(Instant.now(), deadline), () -> {
            expired.set(true);
            closeQuietly(channel);
        });
        List<Packet> packets = new ArrayList<>();
        StreamDecoder decoder = new StreamDecoder();
        try {
            while (packets.isEmpty()) {
                int count = decoder.readFrom(channel, frame -> packets.add(frame.toPacket()));
                if (count < 0) {
                    throw new SubscriptionException(Reason.NO_SERVER, "the CAP " + cap + " was closed before a reply came: the server stopped");
                }
            }
            return packets;
        } catch (AsynchronousCloseException e) {
            if (!expired.get()) {
                throw e;
            }
            throw new SubscriptionException(Reason.NO_REPLY, "no reply on the CAP " + cap + " within " + seconds(timeout)
                    + (decoder.pendingBytes() > 0 || decoder.discardedBytes() > 0 ? ", only bytes that are not a whole packet" : ""), e);
        } finally {
            alarm.cancel(false);
            closeQuietly(channel);
        }
    }

    private static FifoPaths acceptAssignment(Path cap, Name client, Packet reply) throws SubscriptionException {
        CapMessage message;
        try {
            message = CapMessage.parse(reply.payload());
        } catch (MalformedCapMessageException e) {
            throw new SubscriptionException(Reason.UNEXPECTED_REPLY, "the reply on the CAP " + cap + " is not a CAP message: " + e.getMessage(), e);
        }
        if (!(message instanceof CapMessage.Assignment)) {
            throw new SubscriptionException(Reason.UNEXPECTED_REPLY, "the reply on the CAP " + cap + " is not an ASSIGNMENT but " + message);
        }
        CapMessage.Assignment assignment = (CapMessage.Assignment) message;
        switch (assignment.error()) {
            case NONE:
                return new FifoPaths(toPath(assignment.txPath()), toPath(assignment.rxPath()));
            case NAME_ALREADY_TAKEN:
                throw new SubscriptionException(Reason.NAME_TAKEN, "the name '" + client + "' is already taken on the server at " + cap);
            case FS:
                throw new SubscriptionException(Reason.SERVER_FS_ERROR, "the server at " + cap + " could not create the FIFOs for '" + client + "'");
            default:
                throw new SubscriptionException(Reason.UNEXPECTED_REPLY, "the server at " + cap + " answered " + assignment.error());
        }
    }

    /**
     * A path from the server's file-system bytes. The JDK turns path strings into bytes with the
     * charset in {@code sun.jnu.encoding}, so decoding with that one gives back the same bytes.
     */
    static Path toPath(byte[] fileSystemBytes) {
        return Path.of(new String(fileSystemBytes, fileSystemCharset()));
    }

    private static Charset fileSystemCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written through it that closing could lose.
        }
    }
}
