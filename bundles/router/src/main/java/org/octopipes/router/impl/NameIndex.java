package org.octopipes.router.impl;

import java.util.Map;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;

/**
 * An immutable map from names to values that a frame's remote can be looked up in without making
 * a {@link Name}: the per-packet lookup of the router allocates nothing.
 */
final class NameIndex<V> {

    private final Name[] keys;
    private final Object[] values;
    private final int mask;
    private final int size;

    NameIndex(Map<Name, V> entries) {
        this(entries.size());
        for (Map.Entry<Name, V> entry : entries.entrySet()) {
            put(entry.getKey(), entry.getValue());
        }
    }

    /** An empty index with room for {@code entries} at a load of at most a half. */
    private NameIndex(int entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries * 2 - 1)) * 2;
        keys = new Name[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        size = entries;
    }

    /** Fills a new index; only while it is being made. */
    private void put(Name key, Object value) {
        int slot = slot(key.hashCode());
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
    }

    /**
     * A new index with {@code changes} applied (a null value removes its key), sharing every value
     * that did not change: a subscription costs two arrays, not a map entry per client.
     */
    NameIndex<V> with(Map<Name, V> changes) {
        int entries = size;
        for (Map.Entry<Name, V> change : changes.entrySet()) {
            boolean present = get(change.getKey()) != null;
            if (!present && change.getValue() != null) {
                entries++;
            } else if (present && change.getValue() == null) {
                entries--;
            }
        }
        NameIndex<V> next = new NameIndex<>(entries);
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != null && !changes.containsKey(keys[slot])) {
                next.put(keys[slot], values[slot]);
            }
        }
        for (Map.Entry<Name, V> change : changes.entrySet()) {
            if (change.getValue() != null) {
                next.put(change.getKey(), change.getValue());
            }
        }
        return next;
    }

    /** The value for the frame's remote, or {@code null}. */
    @SuppressWarnings("unchecked")
    V get(Frame frame) {
        for (int slot = slot(frame.remoteHash()); keys[slot] != null; slot = (slot + 1) & mask) {
            if (frame.remoteIs(keys[slot])) {
                return (V) values[slot];
            }
        }
        return null;
    }

    /** The value for {@code name}, or {@code null}. */
    @SuppressWarnings("unchecked")
    V get(Name name) {
        for (int slot = slot(name.hashCode()); keys[slot] != null; slot = (slot + 1) & mask) {
            if (keys[slot].equals(name)) {
                return (V) values[slot];
            }
        }
        return null;
    }

    private int slot(int hash) {
        // Name hashes are polynomial; spreading the high bits keeps similar names apart.
        return (hash ^ (hash >>> 16)) * 0x9E3779B1 >>> 7 & mask;
    }
}
