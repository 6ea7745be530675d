package org.octopipes.sessions.impl;

import java.util.Arrays;

/**
 * One user's open sessions (socket clients, whose user the kernel told), for its quotas. Changed
 * under the sessions' lock; read by routing threads, which sum the queues without a lock and
 * without allocating.
 */
final class UserShare {

    private volatile OpenSession[] sessions = new OpenSession[0];

    int size() {
        return sessions.length;
    }

    void add(OpenSession session) {
        OpenSession[] current = sessions;
        OpenSession[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = session;
        sessions = next;
    }

    /** Returns whether none is left. */
    boolean remove(OpenSession session) {
        sessions = Arrays.stream(sessions).filter(other -> other != session).toArray(OpenSession[]::new);
        return sessions.length == 0;
    }

    /** Bytes queued, over all of the user's clients, as their transports last published them. */
    long queuedBytes() {
        long sum = 0;
        for (OpenSession session : sessions) {
            sum += session.queuedBytes();
        }
        return sum;
    }
}
