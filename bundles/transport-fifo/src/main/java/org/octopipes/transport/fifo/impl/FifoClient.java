package org.octopipes.transport.fifo.impl;

import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.List;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Session;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.RunHandler;
import org.octopipes.transport.handover.Relay;
import org.octopipes.transport.support.EngineClient;

/**
 * One client of the FIFO transport: its two FIFOs, and what the engine keeps of every client (the
 * queue of what it is to read, the decoder of what it writes, its backpressure state). All of it
 * belongs to the server's I/O thread; {@link #offer} and {@link #close} from other threads are
 * handed over to that thread.
 */
final class FifoClient extends EngineClient<FifoClient> implements Outlet, RunHandler {

    final long id;
    final Name name;
    final Path txPath;
    final Path rxPath;
    final int txFd;
    final int rxFd;
    /** System.nanoTime() when it subscribed; a client handed over from a previous instance keeps its own. */
    long subscribedAt = System.nanoTime();
    private final FifoServer server;
    /** Its session, which outlives this instance of the transport. */
    Session session;
    /** Its session's outlet and sender, which outlive this instance of the transport. */
    Relay relay;
    /** Bytes of its TX FIFO that the previous instance had read and not yet routed: routed first. */
    byte[] handedOverTx;
    /** It unsubscribed: it goes once what it wrote before is routed. */
    boolean leaving;
    /** What its FIFOs hold now, and how much of that {@link FifoSizes} added; whether the kernel refused to grow them. */
    int txCapacity;
    int rxCapacity;
    long grownBytes;
    boolean growthRefused;
    /** Its TX FIFO as the decoder reads it, made once: a view per read was garbage per wake-up. */
    final ReadableByteChannel txChannel;
    /** Whether the last write to its RX FIFO left bytes queued: the FIFO was full. */
    boolean rxWasFull;
    /**
     * With fifo.splice.payloads ({@link PayloadSplicer}): the header length of the last packet it
     * wrote, when that packet was large, so that its next header is read alone; 0 otherwise. And
     * the bytes of the packet its decoder holds the start of that its next reads are bounded to.
     */
    int largeHeaderLength;
    long copyRest;

    FifoClient(FifoServer server, long id, Name name, FifoFiles.Pair fifos, int maxPayload, int queueBytes) {
        super(server.engine, maxPayload, queueBytes);
        this.server = server;
        this.id = id;
        this.name = name;
        this.txPath = fifos.txPath();
        this.rxPath = fifos.rxPath();
        this.txFd = fifos.txFd();
        this.rxFd = fifos.rxFd();
        this.txChannel = server.files.channel(txFd);
    }

    long txToken() {
        return id << 1;
    }

    long rxToken() {
        return id << 1 | 1;
    }

    FifoFiles.Pair fifos() {
        return new FifoFiles.Pair(txPath, rxPath, txFd, rxFd);
    }

    // ---- FrameHandler: what the client wrote on its TX FIFO

    @Override
    public void onFrame(Frame frame) {
        session.route(frame, sender, readNanos);
    }

    @Override
    public boolean onRun(FrameRun run) {
        return session.route(run, sender, readNanos);
    }

    @Override
    public void onError(PacketError error, long streamOffset) {
        server.logger.debug("Client '{}' wrote bytes that are not a packet at offset {} of its TX FIFO: {}", name, streamOffset, error);
        session.malformed(error);
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
    public boolean offer(FrameRun run, Delivery delivery) {
        return server.offer(this, run, delivery);
    }

    @Override
    public void close() {
        server.closeLater(this);
    }

    // ---- What the engine reports

    @Override
    protected void delivered(int packets) {
        session.delivered(packets);
    }

    @Override
    protected void dropped(DropReason reason, int packets) {
        session.dropped(reason, packets);
    }

    /**
     * Queues what the router offered while the relay parked it (no instance served the client,
     * or it was not served yet), in order, after what is queued; true if there was any, for the
     * caller to publish the queue's size and flush it. Whatever the queue's bound: the relay took
     * those packets under its own bound, and the router counted them as queued; the queue may be
     * fuller now than when they came (a previous instance's queue, adopted), but they are not lost
     * for that. Senders hold up on the queue's size as ever once it is served.
     */
    boolean queueParked(List<Relay.Parked> parked) {
        for (Relay.Parked packet : parked) {
            queue.offerAccepted(packet.bytes(), 0, packet.bytes().length, packet.deadlineNanos());
        }
        return !parked.isEmpty();
    }

    @Override
    public String toString() {
        return "client '" + name + "'";
    }
}
