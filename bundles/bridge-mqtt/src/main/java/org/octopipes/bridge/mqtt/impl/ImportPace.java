package org.octopipes.bridge.mqtt.impl;

import java.util.concurrent.TimeUnit;
import org.octopipes.api.transport.Sender;

/**
 * The bridge's import as a {@link Sender}: a local recipient that falls behind holds it up, and
 * the thread that delivers the broker's messages then waits before it takes the next one, so that
 * the broker (and TCP) keep the rest instead of the recipient's queue dropping it. Recipients
 * release within a second at most (or stop holding anybody up as slow readers).
 */
final class ImportPace implements Sender {

    private int holders;

    @Override
    public synchronized void hold() {
        holders++;
    }

    @Override
    public synchronized void release() {
        if (holders > 0 && --holders == 0) {
            notifyAll();
        }
    }

    /**
     * Waits until no recipient holds the import up, at most {@code timeoutMillis}.
     *
     * @return false if it was still held when the time ran out
     */
    synchronized boolean awaitGoOn(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (holders > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public String toString() {
        return "the bridge's import";
    }
}
