package org.octopipes.router.impl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Packet;

/** An outlet that keeps what it is offered, and can play a full queue. */
class RecordingOutlet implements Outlet {

    final List<Packet> offered = new CopyOnWriteArrayList<>();
    /** What each offered packet came with, in the order of {@link #offered}. */
    final List<Offered> deliveries = new CopyOnWriteArrayList<>();
    volatile boolean full;
    volatile boolean closed;

    @Override
    public String transport() {
        return "test";
    }

    @Override
    public String address() {
        return "memory";
    }

    @Override
    public boolean offer(Frame packet, Delivery delivery) {
        if (full) {
            return false;
        }
        offered.add(packet.toPacket());
        deliveries.add(new Offered(delivery.deadlineNanos(), delivery.sender(), delivery.imported()));
        return true;
    }

    @Override
    public int queuedPackets() {
        return offered.size();
    }

    @Override
    public long queuedBytes() {
        return offered.stream().mapToLong(Packet::size).sum();
    }

    @Override
    public void close() {
        closed = true;
    }

    /** A {@link Delivery} as it was during the offer, which is all it is valid for. */
    record Offered(long deadlineNanos, Sender sender, boolean imported) {
    }
}
