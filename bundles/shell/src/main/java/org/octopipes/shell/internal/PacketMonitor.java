package org.octopipes.shell.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.octopipes.api.TappedPacket;

/**
 * The hand-over between a tap, called on the routing threads, and the command thread that prints
 * what it sees. Routing must never wait for a terminal: a packet that finds the queue full is
 * skipped and counted instead.
 */
final class PacketMonitor implements Consumer<TappedPacket> {

    private final BlockingQueue<TappedPacket> queue;
    private final AtomicLong skipped = new AtomicLong();

    PacketMonitor(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Called by the router for each tapped packet: queues it if there is room, never blocks. */
    @Override
    public void accept(TappedPacket packet) {
        if (!queue.offer(packet)) {
            skipped.incrementAndGet();
        }
    }

    /** The next packet, waiting for one as long as it takes. */
    TappedPacket next() throws InterruptedException {
        return queue.take();
    }

    /** The next packet, or null if none comes within {@code nanos}. */
    TappedPacket next(long nanos) throws InterruptedException {
        return queue.poll(nanos, TimeUnit.NANOSECONDS);
    }

    /** Packets skipped so far because the queue was full. */
    long skipped() {
        return skipped.get();
    }
}
