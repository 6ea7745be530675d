package org.octopipes.transport.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Protocol;

/**
 * The packets waiting for one client, as one run of bytes so that whatever is queued goes out in
 * a single write, with no allocation per packet: both transports' queue. Bounded in bytes; each
 * packet keeps its delivery deadline, and a packet whose deadline passes before its first byte is
 * written is dropped instead of delivered late. Used by one thread at a time.
 */
public final class OutboundQueue implements Backlog {

    /** Where the queue writes to; returns the bytes taken, 0 if none could be. */
    @FunctionalInterface
    public interface Sink {
        int write(ByteBuffer bytes) throws IOException;
    }

    public static final long NO_DEADLINE = Protocol.NO_DEADLINE;
    /** Most bytes offered to one write: a few times what a FIFO holds by default. */
    public static final int MAX_WRITE = 256 * 1024;

    private final int byteBound;
    private byte[] bytes = new byte[0];
    /** A view of {@link #bytes} for writes, made again when the array is. */
    private ByteBuffer view;
    private int start;
    private int end;
    /** Packet lengths and deadlines, a ring from {@code head} of {@code count} entries; its size a power of two. */
    private int[] lengths = new int[16];
    private long[] deadlines = new long[16];
    private int head;
    private int count;
    /** Bytes of the head packet already written: it can no longer be dropped. */
    private int headWritten;
    private long earliestDeadline = NO_DEADLINE;

    public OutboundQueue(int byteBound) {
        this.byteBound = byteBound;
    }

    /**
     * Queues a copy of a packet's bytes. A packet larger than the whole bound is taken only into
     * an empty queue, so that a big packet can still reach a client that keeps up.
     *
     * @return false if it does not fit the bound
     */
    public boolean offer(Frame packet, long deadlineNanos) {
        int length = packet.size();
        if (!fits(length)) {
            return false;
        }
        makeRoom(length);
        packet.copyTo(bytes, end);
        append(length, deadlineNanos);
        return true;
    }

    /**
     * Queues a copy of a run's bytes at once, each packet with {@code deadlineNanos}: the one
     * copy per recipient that routing a run costs.
     *
     * @return false, queueing nothing, if the whole run does not fit the bound: the caller offers
     *         its packets one by one then
     */
    public boolean offer(FrameRun run, long deadlineNanos) {
        int length = run.size();
        if ((long) (end - start) + length > byteBound) {
            return false;
        }
        makeRoom(length);
        run.copyTo(bytes, end);
        end += length;
        int packets = run.count();
        while (count + packets > lengths.length) {
            growRing();
        }
        int mask = lengths.length - 1;
        int slot = head + count;
        for (int i = 0; i < packets; i++, slot++) {
            lengths[slot & mask] = run.sizeOf(i);
            deadlines[slot & mask] = deadlineNanos;
        }
        count += packets;
        earliestDeadline = Math.min(earliestDeadline, deadlineNanos);
        return true;
    }

    /**
     * Queues, into this empty queue, what a write straight from a run's bytes left of it: its
     * packets from {@code firstUnwritten} on, of which the first had {@code headWritten} bytes
     * written already (it can no longer be dropped), whatever the bound (the run was offered
     * whole to an empty queue).
     */
    public void offerRest(FrameRun run, int firstUnwritten, int headWritten, long deadlineNanos) {
        if (count != 0) {
            throw new IllegalStateException("the rest of a run written straight goes into an empty queue only");
        }
        int from = 0;
        for (int i = 0; i < firstUnwritten; i++) {
            from += run.sizeOf(i);
        }
        int length = run.size() - from - headWritten;
        makeRoom(length);
        run.copyTo(from + headWritten, bytes, end, length);
        end += length;
        int packets = run.count() - firstUnwritten;
        while (packets > lengths.length) {
            growRing();
        }
        head = 0;
        for (int i = 0; i < packets; i++) {
            lengths[i] = run.sizeOf(firstUnwritten + i);
            deadlines[i] = deadlineNanos;
        }
        count = packets;
        this.headWritten = headWritten;
        earliestDeadline = deadlineNanos;
    }

    /** Queues {@code length} bytes of {@code source} from {@code offset} as one packet; see {@link #offer(Frame, long)}. */
    public boolean offer(byte[] source, int offset, int length, long deadlineNanos) {
        if (!fits(length)) {
            return false;
        }
        offerAccepted(source, offset, length, deadlineNanos);
        return true;
    }

    /**
     * Queues {@code length} bytes of {@code source} as one packet whatever the bound: for a packet
     * that was accepted already under a bound of its own (parked by a relay while no transport
     * served the client), which may not be lost now that the queue is fuller than it was.
     */
    public void offerAccepted(byte[] source, int offset, int length, long deadlineNanos) {
        makeRoom(length);
        System.arraycopy(source, offset, bytes, end, length);
        append(length, deadlineNanos);
    }

    /**
     * Appends every packet of {@code other}, whatever this queue's bound (the caller checked it),
     * and empties {@code other}, none of whose bytes may have been written yet.
     */
    public void moveFrom(OutboundQueue other) {
        if (other.headWritten != 0) {
            throw new IllegalStateException("a queue that was written from cannot be moved");
        }
        int size = other.lengths.length;
        for (int i = 0; i < other.count; i++) {
            int slot = (other.head + i) % size;
            int length = other.lengths[slot];
            makeRoom(length);
            System.arraycopy(other.bytes, other.start, bytes, end, length);
            other.start += length;
            append(length, other.deadlines[slot]);
        }
        other.clear();
    }

    private boolean fits(int length) {
        int queued = end - start;
        return queued == 0 || queued + (long) length <= byteBound;
    }

    private void append(int length, long deadlineNanos) {
        end += length;
        if (count == lengths.length) {
            growRing();
        }
        int slot = (head + count) & (lengths.length - 1);
        lengths[slot] = length;
        deadlines[slot] = deadlineNanos;
        count++;
        earliestDeadline = Math.min(earliestDeadline, deadlineNanos);
    }

    /** Writes what the sink takes. @return the packets written whole */
    public int writeTo(Sink sink) throws IOException {
        if (start == end) {
            return 0;
        }
        // A FIFO takes at most what it has room for, 64 KiB by default; offering it more costs a
        // copy of bytes it will refuse (a heap buffer goes to the kernel through a native copy).
        if (view == null || view.array() != bytes) {
            view = ByteBuffer.wrap(bytes);
        }
        // One view of the array, reused: a new wrapper per write was most of the server's garbage.
        view.limit(start + Math.min(end - start, MAX_WRITE)).position(start);
        int written = sink.write(view);
        start += written;
        // Thousands of small packets go out in one write: walk the ring in locals, not fields.
        int completed = 0;
        int mask = lengths.length - 1;
        int at = head;
        int begun = headWritten;
        while (written > 0) {
            int left = lengths[at] - begun;
            if (written >= left) {
                written -= left;
                at = (at + 1) & mask;
                begun = 0;
                completed++;
            } else {
                begun += written;
                written = 0;
            }
        }
        head = at;
        headWritten = begun;
        count -= completed;
        if (count == 0) {
            head = 0;
            earliestDeadline = NO_DEADLINE;
        }
        if (start == end) {
            start = 0;
            end = 0;
        }
        return completed;
    }

    /** Drops every packet whose deadline is before {@code now} and none of whose bytes went out. @return the packets dropped */
    public int expire(long now) {
        if (now < earliestDeadline) {
            return 0;
        }
        int dropped = 0;
        int keptCount = 0;
        int readAt = start;
        int writeAt = start;
        long earliest = NO_DEADLINE;
        int size = lengths.length;
        for (int i = 0; i < count; i++) {
            int slot = (head + i) % size;
            int length = lengths[slot];
            boolean started = i == 0 && headWritten > 0;
            int remaining = started ? length - headWritten : length;
            if (!started && deadlines[slot] < now) {
                dropped++;
            } else {
                if (writeAt != readAt) {
                    System.arraycopy(bytes, readAt, bytes, writeAt, remaining);
                }
                int keptSlot = (head + keptCount) % size;
                lengths[keptSlot] = length;
                deadlines[keptSlot] = deadlines[slot];
                keptCount++;
                writeAt += remaining;
                earliest = Math.min(earliest, deadlines[slot]);
            }
            readAt += remaining;
        }
        count = keptCount;
        end = writeAt;
        earliestDeadline = earliest;
        if (count == 0) {
            start = 0;
            end = 0;
            headWritten = 0;
        }
        return dropped;
    }

    /** Empties the queue. @return the packets dropped, a partly written one included */
    public int clear() {
        int dropped = count;
        start = 0;
        end = 0;
        head = 0;
        count = 0;
        headWritten = 0;
        earliestDeadline = NO_DEADLINE;
        return dropped;
    }

    /**
     * What is queued, for the next instance of the transport: the bytes not yet written (the head
     * packet's rest first), each packet's length (the head's whole length) and deadline, and how
     * much of the head was written already. See {@link #adopt}.
     */
    public record Contents(byte[] bytes, int[] lengths, long[] deadlines, int headWritten) {
    }

    public Contents contents() {
        int[] packetLengths = new int[count];
        long[] packetDeadlines = new long[count];
        for (int i = 0; i < count; i++) {
            int slot = (head + i) % lengths.length;
            packetLengths[i] = lengths[slot];
            packetDeadlines[i] = deadlines[slot];
        }
        return new Contents(java.util.Arrays.copyOfRange(bytes, start, end), packetLengths, packetDeadlines, headWritten);
    }

    /** Takes over what another instance's queue held, into this empty queue, whatever the bound. */
    public void adopt(byte[] queued, int[] packetLengths, long[] packetDeadlines, int written) {
        if (count != 0) {
            throw new IllegalStateException("a queue adopts only when empty");
        }
        bytes = queued.clone();
        start = 0;
        end = queued.length;
        int ring = Math.max(16, Integer.highestOneBit(Math.max(1, packetLengths.length)) * 2);
        lengths = new int[ring];
        deadlines = new long[ring];
        System.arraycopy(packetLengths, 0, lengths, 0, packetLengths.length);
        System.arraycopy(packetDeadlines, 0, deadlines, 0, packetDeadlines.length);
        head = 0;
        count = packetLengths.length;
        headWritten = count == 0 ? 0 : written;
        earliestDeadline = NO_DEADLINE;
        for (long deadline : packetDeadlines) {
            earliestDeadline = Math.min(earliestDeadline, deadline);
        }
    }

    @Override
    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public int packets() {
        return count;
    }

    @Override
    public long bytes() {
        return end - start;
    }

    /** The earliest deadline of a queued packet, or {@link #NO_DEADLINE}. */
    public long earliestDeadline() {
        return earliestDeadline;
    }

    private void makeRoom(int length) {
        if (end + length <= bytes.length) {
            return;
        }
        int queued = end - start;
        // Moving the queued bytes to the front pays only when they are at most half the buffer;
        // with more, moving would repeat every few packets, and growing is cheaper.
        if (queued + length <= bytes.length / 2) {
            System.arraycopy(bytes, start, bytes, 0, queued);
        } else {
            byte[] larger = new byte[Math.max(queued + length, Math.max(4096, bytes.length * 2))];
            System.arraycopy(bytes, start, larger, 0, queued);
            bytes = larger;
        }
        start = 0;
        end = queued;
    }

    private void growRing() {
        int[] newLengths = new int[lengths.length * 2];
        long[] newDeadlines = new long[deadlines.length * 2];
        for (int i = 0; i < count; i++) {
            int slot = (head + i) % lengths.length;
            newLengths[i] = lengths[slot];
            newDeadlines[i] = deadlines[slot];
        }
        lengths = newLengths;
        deadlines = newDeadlines;
        head = 0;
    }

    @Override
    public String toString() {
        return "OutboundQueue[" + count + " packets, " + bytes() + " bytes]";
    }
}
