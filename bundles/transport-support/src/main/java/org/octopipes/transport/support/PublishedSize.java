package org.octopipes.transport.support;

/**
 * A client's queue size as the I/O thread last published it, for management threads (the
 * router's {@code Outlet.queuedPackets()} and {@code queuedBytes()}), which must not touch the
 * queue itself.
 */
public final class PublishedSize {

    private volatile int packets;
    private volatile long bytes;

    /** Called by the I/O thread after it changed the queue. */
    public void publish(Backlog queue) {
        packets = queue.packets();
        bytes = queue.bytes();
    }

    public int packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }
}
