package org.octopipes.bridge.mqtt.impl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.octopipes.codec.Name;

/**
 * The clients of other servers this bridge has seen as the origin of an imported packet, so that a
 * reply or ACK to one of them finds its way back: the bridge subscribes to each name on the local
 * router, and publishes what it then receives to the client's topic. Bounded: beyond the limit the
 * name used least recently is forgotten (and unsubscribed), so a stream of new senders cannot grow
 * the subscription table without end. Thread-safe.
 */
final class RemoteNames {

    /**
     * What {@link #learn} did.
     *
     * @param added whether the name was new
     * @param forgotten the name pushed out to make room, or null
     */
    record Learned(boolean added, Name forgotten) {
    }

    private final int limit;
    /** In access order: the first entry is the one used least recently. */
    private final LinkedHashMap<Name, Boolean> names = new LinkedHashMap<>(16, 0.75f, true);

    RemoteNames(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the limit of remote names must be at least 1, not " + limit);
        }
        this.limit = limit;
    }

    /** Remembers {@code name} as used now; forgets the least recently used name if that makes one too many. */
    synchronized Learned learn(Name name) {
        if (names.get(name) != null) {
            return new Learned(false, null);
        }
        names.put(name, Boolean.TRUE);
        Name forgotten = null;
        if (names.size() > limit) {
            Iterator<Map.Entry<Name, Boolean>> eldest = names.entrySet().iterator();
            forgotten = eldest.next().getKey();
            eldest.remove();
        }
        return new Learned(true, forgotten);
    }

    /** Whether {@code name} is known, marking it as used now if it is. */
    synchronized boolean touch(Name name) {
        return names.get(name) != null;
    }

    synchronized void forget(Name name) {
        names.remove(name);
    }

    synchronized void clear() {
        names.clear();
    }

    /** The names known now, least recently used first. */
    synchronized List<Name> all() {
        return List.copyOf(names.keySet());
    }

    synchronized int size() {
        return names.size();
    }
}
