package org.octopipes.router.impl;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.octopipes.api.routing.Recipients;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.routing.Subscriber;

/**
 * Gathers a policy's recipients for one packet. Reused packet after packet by one thread, so that
 * routing allocates nothing in the common case.
 */
final class RecipientCollector implements Recipients {

    /** Up to this many recipients, duplicates are found by a scan; beyond, by a map. */
    private static final int SCAN_LIMIT = 16;

    private ClientSession[] recipients = new ClientSession[8];
    private int size;
    private Map<Subscriber, Boolean> seen;
    private String denial;

    void clear() {
        Arrays.fill(recipients, 0, size, null);
        size = 0;
        denial = null;
        if (seen != null) {
            seen.clear();
        }
    }

    @Override
    public void add(Subscriber recipient) {
        if (!(recipient instanceof ClientSession)) {
            throw new IllegalArgumentException("not a subscriber of this router's table: " + recipient);
        }
        if (isDuplicate(recipient)) {
            return;
        }
        if (size == recipients.length) {
            recipients = Arrays.copyOf(recipients, size * 2);
        }
        recipients[size++] = (ClientSession) recipient;
    }

    private boolean isDuplicate(Subscriber recipient) {
        if (size < SCAN_LIMIT) {
            for (int i = 0; i < size; i++) {
                if (recipients[i] == recipient) {
                    return true;
                }
            }
            return false;
        }
        if (seen == null) {
            seen = new IdentityHashMap<>();
        }
        if (seen.isEmpty()) {
            for (int i = 0; i < size; i++) {
                seen.put(recipients[i], Boolean.TRUE);
            }
        }
        return seen.put(recipient, Boolean.TRUE) != null;
    }

    @Override
    public void deny(String why) {
        denial = why == null ? "denied" : why;
    }

    int size() {
        return size;
    }

    ClientSession get(int index) {
        return recipients[index];
    }

    /** Why the policy refused the packet, or {@code null}. */
    String denial() {
        return denial;
    }
}
