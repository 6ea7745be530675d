package org.octopipes.api.routing;

import org.osgi.annotation.versioning.ProviderType;

/** Collects a routing policy's choice for one packet. */
@ProviderType
public interface Recipients {

    /**
     * {@code recipient} receives the packet; adding one twice delivers once.
     *
     * @param recipient a subscriber from the {@link SubscriptionTable} the policy was given
     */
    void add(Subscriber recipient);

    /**
     * The packet is refused on purpose: it is counted and logged as denied, with {@code why},
     * and goes to nobody, whatever was added.
     *
     * @param why the reason, for the log
     */
    void deny(String why);
}
