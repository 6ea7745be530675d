package org.octopipes.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Packet;

/** An outlet in memory that keeps what it is offered, and can play a full queue. */
public class RecordingOutlet implements Outlet {

    public final List<Packet> offered = new CopyOnWriteArrayList<>();
    /** What each offered packet came with, in the order of {@link #offered}. */
    public final List<Offered> deliveries = new CopyOnWriteArrayList<>();
    public volatile boolean full;
    /** Whether it takes a run of packets at once, as a transport's outlet does while its client keeps up. */
    public volatile boolean takesRuns;
    /** The number of packets of each run it took at once, in order. */
    public final List<Integer> runs = new CopyOnWriteArrayList<>();
    public volatile boolean closed;
    private final String transport;

    /** An outlet of transport {@code test}. */
    public RecordingOutlet() {
        this("test");
    }

    /** An outlet of the transport named {@code transport}. */
    public RecordingOutlet(String transport) {
        this.transport = transport;
    }

    @Override
    public String transport() {
        return transport;
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
    public boolean offer(FrameRun run, Delivery delivery) {
        if (full || !takesRuns) {
            return false;
        }
        run.forEach(packet -> offer(packet, delivery));
        runs.add(run.count());
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
    public record Offered(long deadlineNanos, Sender sender, boolean imported) {
    }
}
