package org.octopipes.router.impl;

import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Protocol;

/**
 * The {@link Delivery} of the packet being routed, filled in anew for each packet. One per sending
 * client, used by the one thread at a time that routes its packets, so that a delivery costs no
 * allocation; outlets use it only during their {@code offer}.
 */
final class DeliveryContext implements Delivery {

    private long deadlineNanos;
    private Sender sender = Sender.NONE;
    private boolean imported;

    /** Sets what the delivery of {@code packet}, read at {@code readNanos} from {@code sender}, needs; returns this. */
    DeliveryContext of(Frame packet, Sender sender, long readNanos, boolean imported) {
        this.deadlineNanos = Protocol.deadlineNanos(packet.ttl(), readNanos);
        this.sender = sender;
        this.imported = imported;
        return this;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public Sender sender() {
        return sender;
    }

    @Override
    public boolean imported() {
        return imported;
    }

    @Override
    public String toString() {
        return "delivery from " + sender + (imported ? ", imported" : "") + ", deadline " + deadlineNanos;
    }
}
