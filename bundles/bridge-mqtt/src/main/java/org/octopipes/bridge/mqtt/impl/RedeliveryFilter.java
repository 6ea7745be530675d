package org.octopipes.bridge.mqtt.impl;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Recognises a QoS 1 message the broker delivers a second time. The broker sends a message again,
 * with the DUP flag and the same packet id, when it did not get the acknowledgement: when it
 * restarted (or the connection broke) just after delivering it. The bridge had routed it already,
 * so it skips a DUP message whose id is among the last ones it routed. Brokers hand out packet ids
 * in turn, so a recent id is the same message, not an old one whose id came round again. Used by
 * one thread at a time.
 */
final class RedeliveryFilter {

    /** Well above the messages a broker keeps in flight to one client (Mosquitto: 20). */
    static final int REMEMBERED = 256;

    private final ArrayDeque<Integer> order = new ArrayDeque<>();
    private final Set<Integer> recent = new HashSet<>();

    /**
     * Whether the message was routed already; remembers its id otherwise.
     *
     * @param packetId the MQTT packet id, 0 for QoS 0 (never a redelivery)
     * @param duplicate the DUP flag
     */
    boolean seenBefore(int packetId, boolean duplicate) {
        if (packetId == 0) {
            return false;
        }
        if (duplicate && recent.contains(packetId)) {
            return true;
        }
        if (recent.add(packetId)) {
            order.addLast(packetId);
            if (order.size() > REMEMBERED) {
                recent.remove(order.removeFirst());
            }
        }
        return false;
    }
}
