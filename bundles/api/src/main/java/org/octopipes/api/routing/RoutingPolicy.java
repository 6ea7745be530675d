package org.octopipes.api.routing;

import org.octopipes.codec.Frame;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides who receives a packet. Implemented by routing plugins and registered as a service; the
 * router uses the one with the highest service ranking.
 *
 * <p>{@link #route} runs for every packet on the transports' threads, possibly on several at once:
 * it must be thread-safe, must not block (no I/O, no lock another thread may hold long, no waiting
 * for a service), and should not allocate, since any delay or garbage there is every client's. The
 * frame, and the buffers it views, are the transport's and valid only during the call: a policy
 * that must remember something of a packet copies it ({@link Frame#toPacket()}), never keeps the
 * frame. What a policy may keep is its own state, such as a turn counter, and its configuration.
 *
 * <p>Service properties: {@link #POLICY_NAME} names it in the log and the shell, and
 * {@code service.ranking} (an Integer) orders it; the default policy {@code spec} ranks -1000.
 * The server's {@code policy.target} filter can pin one policy whatever the rankings.
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

    /**
     * Whether this policy's choice depends only on the packet's origin, remote, TTL and options
     * and on the subscriptions: then consecutive packets of one sender with the same header go to
     * the same recipients, and the router asks once for a run of them and copies the run to each
     * recipient at once. A policy that looks at payloads, or turns from one recipient to the next
     * (anycast, say), keeps the default, {@code false}, and sees every packet.
     *
     * @return whether one decision holds for every packet with the same header
     */
    default boolean routesByHeader() {
        return false;
    }
}
