package org.octopipes.api.routing;

import org.octopipes.codec.Frame;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides who receives a packet. Implemented by routing plugins and registered as a service; the
 * router uses the one with the highest service ranking.
 *
 * <p>{@link #route} runs for every packet on the transports' threads, possibly on several at once:
 * it must be thread-safe, must not block, and should not allocate.
 */
@ConsumerType
public interface RoutingPolicy {

    /** Service property: the policy's short name, shown by the shell. */
    String POLICY_NAME = "octopipes.policy.name";

    /**
     * Adds the packet's recipients to {@code recipients}.
     *
     * @param packet the packet; valid only during the call
     * @param origin the client that sent it, or {@code null} when the server itself sends
     * @param table the subscriptions at this moment
     * @param recipients where the choice goes
     */
    void route(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients);
}
