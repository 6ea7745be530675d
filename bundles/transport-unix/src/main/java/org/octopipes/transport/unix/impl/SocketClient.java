package org.octopipes.transport.unix.impl;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Session;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.RunHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.transport.support.EngineClient;

/**
 * One connection to the Unix socket transport: first a peer that has not subscribed yet, then a
 * client with a name and a session. Its state belongs to the server's I/O thread; other threads
 * reach it only through its {@link SocketOutlet}, which hands work over.
 */
final class SocketClient extends EngineClient<SocketClient> implements RunHandler {

    final long id;
    final SocketChannel channel;
    final SelectionKey key;
    final long connectedAt = System.nanoTime();
    private final UnixServer server;

    /** Who connected, as the kernel tells it; null if it cannot. */
    final Credentials peer;
    /** Its descriptor, as {@link Peers} found it; -1 if not found. */
    final int fd;
    /** Null until the client has subscribed. */
    Name name;
    /** Its session; null until it has subscribed. */
    Session session;

    /** Packets at the head of the queue that are the server's own answers (the ASSIGNMENT), not routed packets. */
    int uncountedAhead;
    /** A refused subscription: the connection ends once the ASSIGNMENT is written. */
    boolean closeWhenFlushed;

    SocketClient(UnixServer server, long id, SocketChannel channel, SelectionKey key, Peers.Peer peer, int maxPayload, int queueBytes) {
        super(server.engine(), maxPayload, queueBytes);
        this.server = server;
        this.id = id;
        this.channel = channel;
        this.key = key;
        this.peer = peer.credentials();
        this.fd = peer.fd();
    }

    boolean subscribed() {
        return name != null;
    }

    // ---- FrameHandler: what the peer wrote

    @Override
    public void onFrame(Frame frame) {
        server.received(this, frame);
    }

    @Override
    public boolean onRun(FrameRun run) {
        return server.received(this, run);
    }

    @Override
    public void onError(PacketError error, long streamOffset) {
        server.malformed(this, error, streamOffset);
    }

    // ---- Counts for its session

    /** The server's own answers at the head of the queue are not routed packets: they are not counted. */
    @Override
    protected void delivered(int packets) {
        int answers = Math.min(packets, uncountedAhead);
        uncountedAhead -= answers;
        if (packets == answers) {
            return;
        }
        session.delivered(packets - answers);
    }

    @Override
    protected void dropped(DropReason reason, int packets) {
        if (reason == DropReason.CLIENT_GONE && uncountedAhead > 0) {
            // The queue is cleared as the client leaves, its ASSIGNMENT with it.
            int answers = Math.min(packets, uncountedAhead);
            uncountedAhead -= answers;
            packets -= answers;
            if (packets == 0) {
                return;
            }
        }
        if (session != null) {
            session.dropped(reason, packets);
        } else {
            server.dropped(reason, packets, "packets to " + this + ", which had not subscribed");
        }
    }

    String address() {
        return server.settings().socketPath() + "#" + id;
    }

    @Override
    public String toString() {
        return name == null ? "connection #" + id : "client '" + name + "'";
    }
}
