package org.octopipes.transport.support;

import java.util.ArrayList;
import java.util.List;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;

/**
 * Where packets for one client wait that were offered on a thread other than its transport's I/O
 * thread (another transport's, a bridge's, management's), together with the senders held up by
 * them, until the I/O thread moves them into the client's queue. A byte ring under a lock, so that
 * crossing threads costs no allocation per packet.
 */
public final class Inbox {

    /** What became of an offer. */
    public enum Offered {
        /** Queued; the I/O thread knows already that the inbox has something. */
        QUEUED,
        /** Queued into an empty inbox: the I/O thread must be told to take it. */
        QUEUED_FIRST,
        /** It does not fit the client's queue bound: dropped, for the router to count. */
        FULL
    }

    private final OutboundQueue packets = new OutboundQueue(Integer.MAX_VALUE);
    private final List<Sender> heldSenders = new ArrayList<>(2);
    /** Bytes waiting here, for the I/O thread's backpressure, which does not take the lock. */
    private volatile long bytes;
    private boolean announced;

    /**
     * Queues a copy of {@code packet}, unless it would take what is queued for the client (here and
     * on the I/O thread) past {@code bound}; a packet is always taken when nothing is queued.
     * Holds the sender up when what is queued passes {@code highWater}, unless the client is a
     * known slow reader.
     *
     * @param queuedElsewhere bytes queued for the client on the I/O thread, as last published
     */
    public synchronized Offered offer(Frame packet, Delivery delivery, long queuedElsewhere, long bound, long highWater, boolean slowReader) {
        long queued = queuedElsewhere + packets.bytes();
        if (queued > 0 && queued + packet.size() > bound) {
            return Offered.FULL;
        }
        packets.offer(packet, delivery.deadlineNanos());
        return queued(delivery, queued + packet.size(), highWater, slowReader);
    }

    /**
     * Queues a copy of a whole run, unless the client is behind (what is queued for it is past
     * {@code highWater}) or the run would take it past its {@linkplain Backpressure#runCeiling()
     * run ceiling}: then {@link Offered#FULL}, queueing none, for the router to offer the packets
     * one by one. Holds the sender up, after the run, as
     * {@link #offer(Frame, Delivery, long, long, long, boolean)} does.
     *
     * @param queuedElsewhere bytes queued for the client on the I/O thread, as last published
     */
    public synchronized Offered offer(FrameRun run, Delivery delivery, long queuedElsewhere, long bound, long highWater, boolean slowReader) {
        long queued = queuedElsewhere + packets.bytes();
        if (queued > highWater || queued + run.size() > Backpressure.runCeiling(bound, highWater)) {
            return Offered.FULL;
        }
        packets.offer(run, delivery.deadlineNanos());
        return queued(delivery, queued + run.size(), highWater, slowReader);
    }

    private Offered queued(Delivery delivery, long queuedNow, long highWater, boolean slowReader) {
        bytes = packets.bytes();
        Sender sender = delivery.sender();
        if (!slowReader && sender != Sender.NONE && queuedNow > highWater && !heldSenders.contains(sender)) {
            heldSenders.add(sender);
            sender.hold();
        }
        if (announced) {
            return Offered.QUEUED;
        }
        announced = true;
        return Offered.QUEUED_FIRST;
    }

    /**
     * Moves what waits here into {@code queue} and the senders it held into {@code held}; I/O
     * thread. The next offer announces itself again.
     */
    public synchronized void moveTo(OutboundQueue queue, List<Sender> held) {
        queue.moveFrom(packets);
        bytes = 0;
        held.addAll(heldSenders);
        heldSenders.clear();
        announced = false;
    }

    /** Bytes waiting to be moved. */
    public long bytes() {
        return bytes;
    }
}
