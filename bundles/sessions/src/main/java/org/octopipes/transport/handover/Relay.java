package org.octopipes.transport.handover;

import java.util.ArrayList;
import java.util.List;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Protocol;

/**
 * The outlet a transport opens a client's session with, so that the session outlives the transport
 * instance: it forwards to the transport's own outlet while one serves the client, and parks what
 * the router offers while none does (the transport bundle is being updated), up to a bound, for
 * the next instance to queue first.
 *
 * <p>Thread-safe. An offer holds the relay's lock while it hands the packet to the target, so that
 * once {@link #park()} returns no offer is on its way to the old target any more. Except on the
 * thread that serves the client (given to {@link #resume(Outlet, Sender, Thread)}), which is also the one
 * that parks: its offers cannot overlap its own park, so they skip the lock. That thread routes
 * most packets (all, when one transport serves every client), and a lock per recipient was a
 * measurable part of the cost of a delivery.
 */
public final class Relay implements Outlet {

    /** A packet parked while no transport served the client, with its delivery deadline. */
    public record Parked(byte[] bytes, long deadlineNanos) {
    }

    /** The deadline of a packet whose TTL asks for none. */
    public static final long NO_DEADLINE = Protocol.NO_DEADLINE;

    private final String transport;
    private final String address;
    private final long parkBound;
    private final List<Parked> parked = new ArrayList<>();
    private long parkedBytes;
    private Outlet target;
    /** The thread serving the client, which alone parks the relay; null while parked. */
    private volatile Thread servingThread;
    private boolean closed;
    private volatile Session session;
    /** The serving instance's sender for the client; null while parked. */
    private Sender targetSender;
    /** Holds of {@link #sender()} not yet released: they go on to each instance that serves the client. */
    private int holds;
    private final Sender sender = new Sender() {
        @Override
        public void hold() {
            synchronized (Relay.this) {
                holds++;
                if (targetSender != null) {
                    targetSender.hold();
                }
            }
        }

        @Override
        public void release() {
            synchronized (Relay.this) {
                holds--;
                if (targetSender != null) {
                    targetSender.release();
                }
            }
        }

        @Override
        public String toString() {
            return "sender behind " + Relay.this;
        }
    };

    /**
     * @param parkBound bytes parked at most; beyond, offers fail and the router counts them
     *        {@code QUEUE_FULL}, as for a full queue
     */
    public Relay(String transport, String address, long parkBound) {
        this.transport = transport;
        this.address = address;
        this.parkBound = parkBound;
    }

    /** The client's session, told what becomes of parked packets. */
    public void session(Session session) {
        this.session = session;
    }

    /**
     * The client as a sender that outlives the transport instance, for its session: it holds up,
     * and releases, whichever instance serves the client, and holds the next one up as well if a
     * hold was not released when the client was handed over.
     */
    public Sender sender() {
        return sender;
    }

    /**
     * Forwards from now on to {@code target}, and holds or releases {@code targetSender}, the
     * instance's sender for the client, as the {@link #sender()} is; returns what was parked,
     * oldest first, to be queued before anything else. {@code servingThread} (the caller, usually)
     * serves the client and will be the one to {@link #park()} the relay: its offers then go to
     * the target without taking the lock.
     */
    public synchronized List<Parked> resume(Outlet target, Sender targetSender, Thread servingThread) {
        this.target = target;
        this.targetSender = targetSender;
        this.servingThread = servingThread;
        for (int i = 0; i < holds; i++) {
            targetSender.hold();
        }
        List<Parked> taken = new ArrayList<>(parked);
        parked.clear();
        parkedBytes = 0;
        return taken;
    }

    /** Parks what comes from now on: the transport instance that served the client is stopping. */
    public synchronized void park() {
        target = null;
        targetSender = null;
        servingThread = null;
    }

    /** Whether the client was let go while parked (kicked, say): the next transport must not adopt it. */
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public boolean offer(Frame packet, Delivery delivery) {
        if (Thread.currentThread() == servingThread) {
            // Only this thread parks or resumes while it serves, so it reads its own writes.
            Outlet current = target;
            if (current != null) {
                return current.offer(packet, delivery);
            }
        }
        return offerLocked(packet, delivery);
    }

    /** To the target, which may take the run at once; while parked, packets park one by one. */
    @Override
    public boolean offer(FrameRun run, Delivery delivery) {
        if (Thread.currentThread() == servingThread) {
            Outlet current = target;
            if (current != null) {
                return current.offer(run, delivery);
            }
        }
        return offerLocked(run, delivery);
    }

    private synchronized boolean offerLocked(FrameRun run, Delivery delivery) {
        return target != null && target.offer(run, delivery);
    }

    /**
     * While parked, nobody holds the sender up: the bound is small, and the next instance, which
     * queues what was parked first, holds it up if the client is behind.
     */
    private synchronized boolean offerLocked(Frame packet, Delivery delivery) {
        if (target != null) {
            return target.offer(packet, delivery);
        }
        if (closed) {
            report(DropReason.CLIENT_GONE, 1);
            return true;
        }
        int size = packet.size();
        if (parkedBytes > 0 && parkedBytes + size > parkBound) {
            return false;
        }
        byte[] bytes = new byte[size];
        packet.copyTo(java.nio.ByteBuffer.wrap(bytes));
        parked.add(new Parked(bytes, delivery.deadlineNanos()));
        parkedBytes += size;
        return true;
    }

    @Override
    public synchronized int queuedPackets() {
        return target != null ? target.queuedPackets() : parked.size();
    }

    @Override
    public synchronized long queuedBytes() {
        return target != null ? target.queuedBytes() : parkedBytes;
    }

    /**
     * Under the lock, like an offer: a client kicked while its transport hands over is either let
     * go by the old instance before it packs, or found closed by the next one.
     */
    @Override
    public synchronized void close() {
        if (target != null) {
            target.close();
        } else {
            release();
        }
    }

    /** Lets the client go while no transport serves it: parked packets are dropped and counted, its session closed. */
    synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        if (!parked.isEmpty()) {
            report(DropReason.CLIENT_GONE, parked.size());
            parked.clear();
            parkedBytes = 0;
        }
        Session current = session;
        if (current != null) {
            current.close();
        }
    }

    private void report(DropReason reason, int packets) {
        Session current = session;
        if (current != null) {
            current.dropped(reason, packets);
        }
    }

    @Override
    public String toString() {
        return "relay to " + address;
    }
}
