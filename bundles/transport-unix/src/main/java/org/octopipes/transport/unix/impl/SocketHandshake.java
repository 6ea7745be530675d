package org.octopipes.transport.unix.impl;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.Sessions;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Frame;
import org.octopipes.codec.MalformedCapMessageException;
import org.octopipes.codec.Name;
import org.octopipes.transport.support.OutboundQueue;
import org.osgi.service.log.Logger;

/**
 * The CAP sub-protocol on a connection: its first packet must be a SUBSCRIPTION, answered by an
 * ASSIGNMENT whose paths are both the socket's; a refused one gets its error and the connection
 * ends once that is written. A connection that does not subscribe within a while is closed.
 * I/O thread only.
 */
final class SocketHandshake {

    /** How long a connection may take to send its SUBSCRIPTION: a client sends it at once. */
    static final long SUBSCRIBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final UnixServer server;
    private final Logger logger;
    /** The bytes of both paths of a successful ASSIGNMENT: the socket is where the client writes and reads. */
    private final byte[] assignedPath;
    /** Connections that have not subscribed yet, oldest first: they must within the timeout. */
    private final Set<SocketClient> unsubscribed = new LinkedHashSet<>();

    SocketHandshake(UnixServer server, UnixSettings settings, Logger logger) {
        this.server = server;
        this.logger = logger;
        this.assignedPath = settings.socketPath().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A new connection, which must subscribe within {@link #SUBSCRIBE_TIMEOUT_NANOS}. */
    void connected(SocketClient client) {
        unsubscribed.add(client);
    }

    /** The connection is closed. */
    void gone(SocketClient client) {
        unsubscribed.remove(client);
    }

    /** Nanoseconds until the oldest connection that has not subscribed is due, or -1 if none waits. */
    long nanosToNextTimeout(long now) {
        return unsubscribed.isEmpty() ? -1 : Math.max(0, unsubscribed.iterator().next().connectedAt + SUBSCRIBE_TIMEOUT_NANOS - now);
    }

    /** Connections that never sent a SUBSCRIPTION hold a descriptor each: they get a while, not forever. */
    void closeSilentConnections(long now) {
        while (!unsubscribed.isEmpty()) {
            SocketClient oldest = unsubscribed.iterator().next();
            if (now - oldest.connectedAt < SUBSCRIBE_TIMEOUT_NANOS) {
                return;
            }
            server.closeClient(oldest, oldest.closeWhenFlushed ? "it did not read the refusal of its subscription"
                    : "it sent no SUBSCRIPTION within " + TimeUnit.NANOSECONDS.toSeconds(SUBSCRIBE_TIMEOUT_NANOS) + " s");
        }
    }

    /** The first packet of a connection: its SUBSCRIPTION, or a refusal. */
    void firstPacket(SocketClient client, Frame frame, Sessions sessions) {
        Name name = frame.origin();
        CapMessage message;
        try {
            message = CapMessage.parse(frame.payload());
        } catch (MalformedCapMessageException e) {
            server.dropped(DropReason.MALFORMED, 1, "the first packet of " + client + " is not a CAP message: " + e.getMessage());
            refuse(client, name, AssignmentError.FS, "its first packet is not a CAP message: " + e.getMessage());
            return;
        }
        if (!(message instanceof CapMessage.Subscription subscription)) {
            server.dropped(DropReason.UNHANDLED, 1, "the first packet of " + client + " is " + message + ", not a SUBSCRIPTION");
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
        Session session;
        try {
            session = sessions.open(name, subscription.groups(), new SocketOutlet(server, client), client.sender, client.peer);
        } catch (SubscriptionRefusedException e) {
            refuse(client, name, e.reason() == SubscriptionRefusedException.Reason.NAME_TAKEN
                    ? AssignmentError.NAME_ALREADY_TAKEN : AssignmentError.FS, e.getMessage());
            return;
        }
        client.name = name;
        client.session = session;
        unsubscribed.remove(client);
        server.subscribed(client);
        sendAssignment(client, name, CapMessage.Assignment.success(assignedPath, assignedPath));
    }

    /** Whether {@code frame}, from a subscribed client to the server, is its UNSUBSCRIPTION. */
    static boolean isUnsubscription(Frame frame) {
        return frame.remoteLength() == 0 && frame.payloadLength() == 1 && (frame.payload().get(0) & 0xFF) == CapMessage.OBJECT_UNSUBSCRIPTION;
    }

    /** Answers a subscription with an error, then ends the connection once the answer is out. */
    private void refuse(SocketClient client, Name name, AssignmentError error, String why) {
        logger.warn("Refused a subscription as '{}' on the Unix socket (connection #{}): {}", name, client.id, why);
        client.decoder.stop();
        client.closeWhenFlushed = true;
        server.updateInterest(client);
        sendAssignment(client, name, CapMessage.Assignment.failure(error));
    }

    /** The ASSIGNMENT goes out ahead of any packet, and is not counted as a delivered packet. */
    private void sendAssignment(SocketClient client, Name name, CapMessage.Assignment assignment) {
        byte[] bytes = assignment.toPacket(name).toBytes();
        client.uncountedAhead++;
        client.queue.offer(bytes, 0, bytes.length, OutboundQueue.NO_DEADLINE);
        server.engine().markDirty(client);
    }
}
