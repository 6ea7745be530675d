package org.octopipes.sessions.impl;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.DropReason;
import org.octopipes.codec.Name;
import org.osgi.service.log.Logger;

/**
 * Logs drops without flooding the log: the first drop of a kind for a client at once, then at
 * most one line per kind and client per interval, with how many were dropped since. Counting is
 * exact either way; only the log lines are thinned.
 */
final class DropLog {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger logger;
    private final ConcurrentHashMap<Key, Window> windows = new ConcurrentHashMap<>();

    DropLog(Logger logger) {
        this.logger = logger;
    }

    void dropped(Name client, DropReason reason, int packets, String detail) {
        Window window = windows.computeIfAbsent(new Key(client, reason), key -> new Window());
        long suppressed;
        synchronized (window) {
            long now = System.nanoTime();
            window.count += packets;
            if (window.loggedAt != 0 && now - window.loggedAt < INTERVAL_NANOS) {
                return;
            }
            window.loggedAt = now;
            suppressed = window.count;
            window.count = 0;
        }
        logger.warn("Dropped {} packet(s) for client '{}': {}{}", suppressed, client, reason,
                detail == null ? "" : " (" + detail + ")");
    }

    /** Forgets a client that left, so that the windows do not grow with every name ever seen. */
    void forget(Name client) {
        windows.keySet().removeIf(key -> key.client.equals(client));
    }

    private record Key(Name client, DropReason reason) {
    }

    private static final class Window {
        long loggedAt;
        long count;
    }
}
