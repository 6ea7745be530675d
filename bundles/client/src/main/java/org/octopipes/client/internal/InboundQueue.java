package org.octopipes.client.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.octopipes.client.DisconnectedException;
import org.octopipes.codec.Packet;

/**
 * The packets a client received and the application has not taken yet. Bounded, so that an
 * application that falls behind makes the reader wait (and the server's TTL decide) instead of
 * filling memory; ended with the reason the connection stopped, so a taker never waits for nothing.
 */
public final class InboundQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Packet> packets = new ArrayDeque<>();
    private final int capacity;
    private DisconnectedException end;

    public InboundQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a receive queue holds at least 1 packet, not " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds a packet, waiting while the queue is full; after the end, drops it. */
    public void put(Packet packet) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (packets.size() >= capacity && end == null) {
                notFull.await();
            }
            if (end == null) {
                packets.addLast(packet);
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The oldest packet, waiting up to {@code timeoutNanos} (forever if negative) for one.
     *
     * @return null if none came in time
     * @throws DisconnectedException once the queue has ended and every packet before the end was taken
     */
    public Packet take(long timeoutNanos) throws DisconnectedException, InterruptedException {
        lock.lockInterruptibly();
        try {
            long left = timeoutNanos;
            while (packets.isEmpty()) {
                if (end != null) {
                    throw new DisconnectedException(end.getMessage(), end.isLost(), end);
                }
                if (timeoutNanos < 0) {
                    notEmpty.await();
                } else if (left <= 0) {
                    return null;
                } else {
                    left = notEmpty.awaitNanos(left);
                }
            }
            Packet packet = packets.removeFirst();
            notFull.signal();
            return packet;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the queue: takers get the packets already queued, then {@code reason}; with
     * {@code discardPending} they get {@code reason} at once. A later end replaces the reason.
     */
    public void end(DisconnectedException reason, boolean discardPending) {
        lock.lock();
        try {
            end = reason;
            if (discardPending) {
                packets.clear();
            }
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
