package org.octopipes.transport.support;

import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.StreamDecoder;

/**
 * A transport's client as the {@link ClientEngine} serves it: the queue of what it is to read,
 * the inbox of what other threads offered it, its backpressure state, and the engine's marks.
 * Everything here belongs to the transport's I/O thread, but for what {@link PublishedSize} and
 * {@link Inbox} let other threads see.
 *
 * @param <C> the transport's client class itself
 */
public abstract class EngineClient<C extends EngineClient<C>> implements Backpressure.Party<C> {

    /** What the client is to read, written in as few writes as its connection allows. */
    public final OutboundQueue queue;
    /** What other threads offered it, until the I/O thread moves it into {@link #queue}. */
    public final Inbox inbox = new Inbox();
    /** The decoder of what the client writes. */
    public final StreamDecoder decoder;
    /** This client as a sender that its recipients hold up, whichever transport serves them. */
    public final Sender sender;
    /** System.nanoTime() at the start of its latest round of reads: when the packets read in it were read. */
    public long readNanos;
    /** Set once the client is let go; what is offered to it from then on is dropped as {@code CLIENT_GONE}. */
    public boolean closed;
    /** Whether its connection is watched for room to write: only while bytes wait for it. */
    boolean waitingForRoom;
    /** Whether it is in the engine's list of clients to write to at the end of this round. */
    boolean dirty;
    private final Backpressure.State<C> backpressure;
    private final PublishedSize published = new PublishedSize();
    /** Where its queue is written: its connection, made once rather than at every write. */
    final OutboundQueue.Sink connection;

    @SuppressWarnings("unchecked")
    protected EngineClient(ClientEngine<C> engine, int maxPayload, int queueBytes) {
        this.queue = new OutboundQueue(queueBytes);
        this.decoder = new StreamDecoder(maxPayload);
        this.backpressure = new Backpressure.State<>(queue, inbox, decoder);
        this.sender = engine.backpressure().sender((C) this);
        this.connection = engine.connectionOf((C) this);
    }

    /** {@code packets} queued for the client reached it: tell the router. */
    protected abstract void delivered(int packets);

    /** {@code packets} queued for the client were dropped, for {@code reason}: tell the router. */
    protected abstract void dropped(DropReason reason, int packets);

    @Override
    public final Backpressure.State<C> backpressure() {
        return backpressure;
    }

    @Override
    public final boolean isClosed() {
        return closed;
    }

    /** Whether a recipient holds this client up as a sender: then nothing is read from it. */
    public final boolean heldUp() {
        return backpressure.heldUp();
    }

    /** Whether bytes wait for room in its connection. */
    public final boolean waitingForRoom() {
        return waitingForRoom;
    }

    /** Publishes the queue's size to management; I/O thread, after it changed the queue. */
    public final void publishQueueSize() {
        published.publish(queue);
    }

    /** Packets queued and not yet written, as last published: for any thread. */
    public final int queuedPackets() {
        return published.packets();
    }

    /** Bytes queued and not yet written, as last published: for any thread. */
    public final long queuedBytes() {
        return published.bytes();
    }
}
