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

    NameIndex(Map<Name, V> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) * 2;
        keys = new Name[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (Map.Entry<Name, V> entry : entries.entrySet()) {
            int slot = slot(entry.getKey().hashCode());
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = entry.getKey();
            values[slot] = entry.getValue();
        }
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
