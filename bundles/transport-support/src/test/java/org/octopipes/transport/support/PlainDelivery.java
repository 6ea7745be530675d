package org.octopipes.transport.support;

import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;

/** A delivery as the router hands one to an outlet, for tests. */
record PlainDelivery(long deadlineNanos, Sender sender, boolean imported) implements Delivery {

    /** A packet from {@code sender} with no deadline, not imported. */
    static PlainDelivery from(Sender sender) {
        return new PlainDelivery(OutboundQueue.NO_DEADLINE, sender, false);
    }
}
