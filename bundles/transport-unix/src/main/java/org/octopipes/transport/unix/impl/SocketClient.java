package org.octopipes.transport.unix.impl;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.transport.support.EngineClient;

/**
 * One connection to the Unix socket transport: first a peer that has not subscribed yet, then a
 * client with a name, groups and a link to the router. Its state belongs to the server's I/O
 * thread; other threads reach it only through its {@link Attachment}, which hands work over.
 */
final class SocketClient extends EngineClient<SocketClient> implements FrameHandler {

    final long id;
    final SocketChannel channel;
    final SelectionKey key;
    final long connectedAt = System.nanoTime();
    private final UnixServer server;

    /** Null until the client has subscribed. */
    Name name;
    /**
     * The groups to re-attach with while no router is bound (taken from the last link when it
     * went), so that management's changes survive a router update.
     */
    Set<Name> groups = Set.of();
    /** The router's end; null before the subscription and while no router is bound. */
    ClientLink link;
    /** The outlet given to the router that {@link #link} belongs to; older ones are ignored. */
    Attachment attachment;
    /**
     * The link of the router that went, while no router is bound: told if the client leaves
     * meanwhile, so that its counts go into the server's totals.
     */
    ClientLink previousLink;
    /**
     * The client's counters, which every router it is attached to writes: they go on across router
     * updates. Made when it subscribes (its subscription time is the counter's), on the I/O thread.
     */
    TrafficCounter counter = new TrafficCounter();
    /** Counts that arrived while no router was bound, reported to the next one. */
    private int deliveredWithoutRouter;
    private final Map<DropReason, Integer> droppedWithoutRouter = new EnumMap<>(DropReason.class);

    /** Packets at the head of the queue that are the server's own answers (the ASSIGNMENT), not routed packets. */
    int uncountedAhead;
    /** A refused subscription: the connection ends once the ASSIGNMENT is written. */
    boolean closeWhenFlushed;

    SocketClient(UnixServer server, long id, SocketChannel channel, SelectionKey key, int maxPayload, int queueBytes) {
        super(server.engine(), maxPayload, queueBytes);
        this.server = server;
        this.id = id;
        this.channel = channel;
        this.key = key;
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
    public void onError(PacketError error, long streamOffset) {
        server.malformed(this, error, streamOffset);
    }

    // ---- Counts for the router, kept while there is none

    /** The server's own answers at the head of the queue are not routed packets: they are not counted. */
    @Override
    protected void delivered(int packets) {
        int answers = Math.min(packets, uncountedAhead);
        uncountedAhead -= answers;
        if (packets == answers) {
            return;
        }
        packets -= answers;
        if (link != null) {
            link.delivered(packets);
        } else {
            deliveredWithoutRouter += packets;
        }
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
        if (link != null) {
            link.dropped(reason, packets);
        } else {
            droppedWithoutRouter.merge(reason, packets, Integer::sum);
        }
    }

    /** Reports to the new link what happened while there was none. */
    void reportHeldCounts() {
        if (deliveredWithoutRouter > 0) {
            link.delivered(deliveredWithoutRouter);
            deliveredWithoutRouter = 0;
        }
        droppedWithoutRouter.forEach((reason, packets) -> link.dropped(reason, packets));
        droppedWithoutRouter.clear();
    }

    /** Counts held for a router that will not come for this client: they go to the server's totals. */
    Map<DropReason, Integer> takeHeldDrops() {
        Map<DropReason, Integer> held = new EnumMap<>(droppedWithoutRouter);
        droppedWithoutRouter.clear();
        return held;
    }

    String address() {
        return server.settings().socketPath() + "#" + id;
    }

    @Override
    public String toString() {
        return name == null ? "connection #" + id : "client '" + name + "'";
    }
}
