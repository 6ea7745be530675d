package org.octopipes.transport.fifo.impl;

import java.nio.file.Path;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.transport.handover.Relay;
import org.octopipes.transport.support.Backpressure;
import org.octopipes.transport.support.Inbox;
import org.octopipes.transport.support.OutboundQueue;
import org.octopipes.transport.support.PublishedSize;

/**
 * One client of the FIFO transport: its two FIFOs, the decoder of what it writes, and the queue
 * of what it is to read. All of its state belongs to the server's I/O thread; {@link #offer} and
 * {@link #close} from other threads are handed over to that thread.
 */
final class FifoClient implements Outlet, FrameHandler, Backpressure.Party<FifoClient> {

    final long id;
    final Name name;
    final Path txPath;
    final Path rxPath;
    final int txFd;
    final int rxFd;
    final StreamDecoder decoder;
    /** System.nanoTime() when it subscribed; a client handed over from a previous instance keeps its own. */
    long subscribedAt = System.nanoTime();
    final OutboundQueue queue;
    /** What other threads offered it, until the I/O thread moves it into {@link #queue}. */
    final Inbox inbox = new Inbox();
    /** This client as a sender that its recipients hold up, whichever transport serves them. */
    final Sender sender;
    /** System.nanoTime() at the start of its latest round of reads: when the packets read in it were read. */
    long readNanos;
    private final FifoServer server;
    ClientLink link;
    /** What the router holds as this client's outlet; it outlives this instance of the transport. */
    Relay relay;
    /** Bytes of its TX FIFO that the previous instance had read and not yet routed: routed first. */
    byte[] handedOverTx;
    /** Whether the RX FIFO is registered for WRITABLE: only while bytes wait for room. */
    boolean waitingForRoom;
    /** Whether it is in the server's list of clients to write to at the end of this round. */
    boolean dirty;
    boolean closed;
    /** It unsubscribed: it goes once what it wrote before is routed. */
    boolean leaving;
    /** Whom it holds up as a recipient, who holds it up as a sender: see {@link Backpressure}. */
    final Backpressure.State<FifoClient> backpressure;
    /** What its FIFOs hold now, and how much of that {@link FifoSizes} added; whether the kernel refused to grow them. */
    int txCapacity;
    int rxCapacity;
    long grownBytes;
    boolean growthRefused;
    /** Whether the last write to its RX FIFO left bytes queued: the FIFO was full. */
    boolean rxWasFull;
    /** The queue's size for management, read from other threads; written only by the I/O thread. */
    private final PublishedSize published = new PublishedSize();

    FifoClient(FifoServer server, long id, Name name, Path txPath, Path rxPath, int txFd, int rxFd, int maxPayload, int queueBytes) {
        this.server = server;
        this.id = id;
        this.name = name;
        this.txPath = txPath;
        this.rxPath = rxPath;
        this.txFd = txFd;
        this.rxFd = rxFd;
        this.decoder = new StreamDecoder(maxPayload);
        this.queue = new OutboundQueue(queueBytes);
        this.backpressure = new Backpressure.State<>(queue, inbox, decoder);
        this.sender = server.backpressure().sender(this);
    }

    long txToken() {
        return id << 1;
    }

    long rxToken() {
        return id << 1 | 1;
    }

    // ---- FrameHandler: what the client wrote on its TX FIFO

    @Override
    public void onFrame(Frame frame) {
        link.route(frame, sender, readNanos);
    }

    @Override
    public void onError(PacketError error, long streamOffset) {
        server.malformedFromClient(this, error, streamOffset);
        link.malformed(error);
    }

    // ---- Outlet: what the router gives it

    @Override
    public String transport() {
        return FifoServer.TRANSPORT_NAME;
    }

    @Override
    public String address() {
        return rxPath.toString();
    }

    @Override
    public boolean offer(Frame packet, Delivery delivery) {
        return server.offer(this, packet, delivery);
    }

    @Override
    public int queuedPackets() {
        return published.packets();
    }

    @Override
    public long queuedBytes() {
        return published.bytes();
    }

    @Override
    public void close() {
        server.closeLater(this);
    }

    // ---- Backpressure.Party

    @Override
    public Backpressure.State<FifoClient> backpressure() {
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

    @Override
    public String toString() {
        return "client '" + name + "'";
    }
}
