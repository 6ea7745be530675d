package org.octopipes.posix;

import java.util.Objects;

/**
 * The result of one {@link Poller#poll}: which registrations are ready, by token, and for what.
 * Reused from poll to poll, so polling allocates nothing. Not thread-safe: it belongs to the
 * polling thread.
 */
public final class ReadyEvents {

    private final long[] tokens;
    private final int[] events;
    private int size;

    /** Room for {@code capacity} ready descriptors per poll; the rest wait for the next poll. */
    public ReadyEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.tokens = new long[capacity];
        this.events = new int[capacity];
    }

    public int capacity() {
        return tokens.length;
    }

    /** How many descriptors the last poll found ready. */
    public int size() {
        return size;
    }

    /** The token that the {@code i}th ready descriptor was registered with. */
    public long token(int i) {
        return tokens[Objects.checkIndex(i, size)];
    }

    /** The {@link Poller} event bits of the {@code i}th ready descriptor. */
    public int events(int i) {
        return events[Objects.checkIndex(i, size)];
    }

    public boolean isReadable(int i) {
        return (events(i) & Poller.READABLE) != 0;
    }

    public boolean isWritable(int i) {
        return (events(i) & Poller.WRITABLE) != 0;
    }

    /** The other end is gone: for a FIFO's read end, every writer closed it (data may remain). */
    public boolean isHangup(int i) {
        return (events(i) & Poller.HANGUP) != 0;
    }

    /** For a FIFO's write end: every reader closed it, so a write would fail with EPIPE. */
    public boolean isError(int i) {
        return (events(i) & Poller.ERROR) != 0;
    }

    void clear() {
        size = 0;
    }

    void add(long token, int readyEvents) {
        tokens[size] = token;
        events[size] = readyEvents;
        size++;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ReadyEvents[");
        for (int i = 0; i < size; i++) {
            text.append(i == 0 ? "" : ", ").append(tokens[i]).append("=0x").append(Integer.toHexString(events[i]));
        }
        return text.append(']').toString();
    }
}
