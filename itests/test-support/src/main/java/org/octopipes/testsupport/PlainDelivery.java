package org.octopipes.testsupport;

import java.time.Duration;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Protocol;

/** A delivery as the router hands one to an outlet, for tests. */
public record PlainDelivery(long deadlineNanos, Sender sender, boolean imported) implements Delivery {

    /** A packet from {@code sender} with no deadline, not imported. */
    public static PlainDelivery from(Sender sender) {
        return new PlainDelivery(Protocol.NO_DEADLINE, sender, false);
    }

    /** A packet read just now whose TTL ends in {@code ttl}, from nobody to hold up, not imported. */
    public static PlainDelivery within(Duration ttl) {
        return new PlainDelivery(System.nanoTime() + ttl.toNanos(), Sender.NONE, false);
    }
}
