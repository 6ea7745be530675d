package org.octopipes.api.routing;

import org.octopipes.codec.Frame;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides whether a packet may be routed at all, before any {@link RoutingPolicy} chooses its
 * recipients. Implemented by access-control plugins and registered as a service (a whiteboard):
 * the router asks every one, in the order of their service ranking, and a packet that one of them
 * denies goes to nobody, is counted as {@code POLICY_DENIED} and logged with the reason. Because
 * the checks stand outside the choice of recipients, no routing policy, whatever its ranking or
 * install order, can route a packet past them.
 *
 * <p>{@link #denial} runs for every packet on the transports' threads, possibly on several at once:
 * it must be thread-safe, must not block, and should not allocate unless it denies.
 */
@ConsumerType
public interface AccessCheck {

    /** Service property: the check's short name, for the log and the shell. */
    String CHECK_NAME = "octopipes.access.name";

    /**
     * @param packet the packet; valid only during the call
     * @param origin the client that sent it (the bridge, for a packet it imported), or {@code null}
     *        when the server itself sends
     * @return null to let the packet through; otherwise why it is denied, for the log
     */
    String denial(Frame packet, Subscriber origin);
}
