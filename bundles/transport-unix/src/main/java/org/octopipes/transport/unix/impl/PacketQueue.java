package org.octopipes.transport.unix.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.octopipes.codec.Protocol;
import org.octopipes.transport.support.Backlog;

/**
 * The packets waiting for one socket client, each a copy of its bytes with its delivery deadline.
 * Bounded in bytes; whatever is queued goes to the socket in one gathering write, and a packet
 * whose deadline passes before its first byte is written is dropped instead of delivered late.
 * Used by one thread only.
 */
final class PacketQueue implements Backlog {

    static final long NO_DEADLINE = Protocol.NO_DEADLINE;
    /** Most packets offered to one gathering write; the kernel takes a few hundred KiB at most anyway. */
    private static final int MAX_BUFFERS_PER_WRITE = 64;

    private record Entry(ByteBuffer bytes, long deadline) {
    }

    private final int byteBound;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[MAX_BUFFERS_PER_WRITE];
    private long bytes;

    PacketQueue(int byteBound) {
        this.byteBound = byteBound;
    }

    /**
     * Takes a packet's bytes (not copied: the caller hands them over). A packet larger than the
     * whole bound is taken only into an empty queue, so that a big packet can still reach a client
     * that keeps up.
     *
     * @return false if it does not fit the bound
     */
    boolean offer(byte[] packet, long deadlineNanos) {
        if (bytes > 0 && bytes + packet.length > byteBound) {
            return false;
        }
        entries.add(new Entry(ByteBuffer.wrap(packet), deadlineNanos));
        bytes += packet.length;
        return true;
    }

    /** Writes what the channel takes. @return the packets written whole */
    int writeTo(GatheringByteChannel channel) throws IOException {
        int count = 0;
        for (Entry entry : entries) {
            if (count == gather.length) {
                break;
            }
            gather[count++] = entry.bytes;
        }
        if (count == 0) {
            return 0;
        }
        long written = channel.write(gather, 0, count);
        java.util.Arrays.fill(gather, 0, count, null);
        bytes -= written;
        int completed = 0;
        while (!entries.isEmpty() && !entries.peek().bytes.hasRemaining()) {
            entries.poll();
            completed++;
        }
        return completed;
    }

    /** Drops every packet whose deadline is before {@code now} and none of whose bytes went out. @return the packets dropped */
    int expire(long now) {
        int dropped = 0;
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.deadline < now && entry.bytes.position() == 0) {
                it.remove();
                bytes -= entry.bytes.remaining();
                dropped++;
            }
        }
        return dropped;
    }

    /** The earliest deadline of a packet not yet begun, or {@link #NO_DEADLINE}; looks at every packet. */
    long earliestDeadline() {
        long earliest = NO_DEADLINE;
        for (Entry entry : entries) {
            if (entry.bytes.position() == 0) {
                earliest = Math.min(earliest, entry.deadline);
            }
        }
        return earliest;
    }

    /** Empties the queue. @return the packets dropped, a partly written one included */
    int clear() {
        int dropped = entries.size();
        entries.clear();
        bytes = 0;
        return dropped;
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public int packets() {
        return entries.size();
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** Whether a packet has been written in part: the stream is then in the middle of it. */
    boolean midPacket() {
        return !entries.isEmpty() && entries.peek().bytes.position() > 0;
    }

    @Override
    public String toString() {
        return "PacketQueue[" + entries.size() + " packets, " + bytes + " bytes]";
    }
}
