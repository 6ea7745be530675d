package org.octopipes.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Lines as they arrive from a stream, and waits for one that matches, woken by each new line. */
final class Lines {

    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    /** The stream ended: no line will come any more, so waits stop at once. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }

    /** The first line that matches, waiting up to {@code patience} for it; null if none came. */
    synchronized String await(Predicate<String> match, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        int checked = 0;
        for (;;) {
            for (; checked < lines.size(); checked++) {
                if (match.test(lines.get(checked))) {
                    return lines.get(checked);
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public synchronized String toString() {
        return new ArrayList<>(lines).toString();
    }
}
