package org.octopipes.transport.handover;

import java.util.concurrent.TimeUnit;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;

/** What the router would hand an outlet with a packet read just now with a TTL of a minute, from nobody to hold up. */
public final class TestDelivery implements Delivery {

    public static final TestDelivery IN_A_MINUTE = new TestDelivery(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));

    private final long deadlineNanos;

    private TestDelivery(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public Sender sender() {
        return Sender.NONE;
    }

    @Override
    public boolean imported() {
        return false;
    }
}
