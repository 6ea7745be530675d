package org.octopipes.transport.unix.impl;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.transport.support.Backpressure;
import org.octopipes.transport.support.Inbox;
import org.octopipes.transport.support.OutboundQueue;
import org.octopipes.transport.support.PublishedSize;

/**
 * One connection to the Unix socket transport: first a peer that has not subscribed yet, then a
 * client with a name, groups and a link to the router. Its state belongs to the server's I/O
 * thread; other threads reach it only through its {@link Attachment}, which hands work over.
 */
final class SocketClient implements FrameHandler, Backpressure.Party<SocketClient> {

    final long id;
    final SocketChannel channel;
    final SelectionKey key;
    final StreamDecoder decoder;
    final OutboundQueue queue;
    /** What other threads offered it, until the I/O thread moves it into {@link #queue}. */
    final Inbox inbox = new Inbox();
    /** This client as a sender that its recipients hold up, whichever transport serves them. */
    final Sender sender;
    /** System.nanoTime() at the start of its latest round of reads: when the packets read in it were read. */
    long readNanos;
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
    /** Counts that arrived while no router was bound, reported to the next one. */
    private int deliveredWithoutRouter;
    private final Map<DropReason, Integer> droppedWithoutRouter = new EnumMap<>(DropReason.class);

    /** Packets at the head of the queue that are the server's own answers (the ASSIGNMENT), not routed packets. */
    int uncountedAhead;
    boolean closed;
    /** A refused subscription: the connection ends once the ASSIGNMENT is written. */
    boolean closeWhenFlushed;
    /** Whether the socket is watched for room to write: only while bytes wait for it. */
    boolean waitingForRoom;
    boolean dirty;
    /** Whom it holds up as a recipient, who holds it up as a sender: see {@link Backpressure}. */
    final Backpressure.State<SocketClient> backpressure;
    /** The queue's size for management, read from other threads; written only by the I/O thread. */
    private final PublishedSize published = new PublishedSize();

    SocketClient(UnixServer server, long id, SocketChannel channel, SelectionKey key, int maxPayload, int queueBytes) {
        this.server = server;
        this.id = id;
        this.channel = channel;
        this.key = key;
        this.decoder = new StreamDecoder(maxPayload);
        this.queue = new OutboundQueue(queueBytes);
        this.backpressure = new Backpressure.State<>(queue, inbox, decoder);
        this.sender = server.backpressure().sender(this);
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

    void delivered(int packets) {
        if (link != null) {
            link.delivered(packets);
        } else {
            deliveredWithoutRouter += packets;
        }
    }

    void dropped(DropReason reason, int packets) {
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

    // ---- Backpressure.Party

    @Override
    public Backpressure.State<SocketClient> backpressure() {
        return backpressure;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Publishes the queue's size to management; called by the I/O thread after it changes the queue. */
    void publishQueueSize() {
        published.publish(queue);
    }

    int queuedPackets() {
        return published.packets();
    }

    long queuedBytes() {
        return published.bytes();
    }

    String address() {
        return server.settings().socketPath() + "#" + id;
    }

    @Override
    public String toString() {
        return name == null ? "connection #" + id : "client '" + name + "'";
    }
}
