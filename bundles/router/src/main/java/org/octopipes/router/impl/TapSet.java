package org.octopipes.router.impl;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.api.session.ClientSession;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;

/**
 * The taps of management tools such as the shell's monitor. Kept as a volatile array that routing
 * reads once per packet: with no tap it is empty and routing does nothing more.
 */
final class TapSet {

    private static final Entry[] NONE = new Entry[0];

    private volatile Entry[] entries = NONE;

    boolean isEmpty() {
        return entries.length == 0;
    }

    Tap add(Set<Name> names, Consumer<TappedPacket> listener) {
        Entry entry = new Entry(Set.copyOf(names), listener);
        synchronized (this) {
            Entry[] next = Arrays.copyOf(entries, entries.length + 1);
            next[entries.length] = entry;
            entries = next;
        }
        return () -> remove(entry);
    }

    private synchronized void remove(Entry entry) {
        entries = Arrays.stream(entries).filter(e -> e != entry).toArray(Entry[]::new);
    }

    /** Shows a routed (or dropped) packet to every tap that wants it. */
    void show(Frame packet, ClientSession origin, RecipientCollector recipients, int recipientCount) {
        Entry[] current = entries;
        if (current.length == 0) {
            return;
        }
        TappedPacket tapped = null;
        for (Entry entry : current) {
            if (entry.wants(packet, origin, recipients, recipientCount)) {
                if (tapped == null) {
                    tapped = tapped(packet, origin, recipientCount);
                }
                entry.listener.accept(tapped);
            }
        }
    }

    private static TappedPacket tapped(Frame packet, ClientSession origin, int recipientCount) {
        int previewLength = Math.min(packet.payloadLength(), TappedPacket.PREVIEW_LENGTH);
        byte[] preview = new byte[previewLength];
        packet.payload().get(preview);
        return new TappedPacket(Instant.now(), packet.origin(), packet.remote(), packet.ttl(), packet.options(),
                packet.payloadLength(), preview, recipientCount, origin == null ? Optional.empty() : origin.credentials());
    }

    private record Entry(Set<Name> names, Consumer<TappedPacket> listener) {

        boolean wants(Frame packet, ClientSession origin, RecipientCollector recipients, int recipientCount) {
            if (names.isEmpty()) {
                return true;
            }
            if (origin != null && names.contains(origin.name())) {
                return true;
            }
            for (Name name : names) {
                if (packet.remoteIs(name)) {
                    return true;
                }
            }
            for (int i = 0; i < recipientCount; i++) {
                if (names.contains(recipients.get(i).name())) {
                    return true;
                }
            }
            return false;
        }
    }
}
