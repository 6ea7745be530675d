/**
 * The routing-policy SPI: given a packet and the subscription table, who receives it.
 *
 * <p>A policy is a {@link org.octopipes.api.routing.RoutingPolicy} service. The router uses the
 * highest-ranked one and switches at once when a better-ranked one appears or the active one
 * goes away. The smallest policy, one that sends every packet to every subscriber of its remote
 * including the sender:
 *
 * <pre>
 * &#64;Component(property = RoutingPolicy.POLICY_NAME + "=echo")
 * public class EchoPolicy implements RoutingPolicy {
 *     public void route(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients) {
 *         for (Subscriber subscriber : table.subscribersOf(packet)) {
 *             recipients.add(subscriber);
 *         }
 *     }
 * }
 * </pre>
 *
 * <p>1.1: {@link org.octopipes.api.routing.AccessCheck}, access checks the router applies before
 * the routing policy.
 *
 * <p>1.2: a {@link org.octopipes.api.routing.Subscriber}'s transport and credentials, for access
 * rules on who is on the other end.
 *
 * <p>The bundle {@code org.octopipes.routing.testkit} has a subscription table in memory with which
 * a policy can be unit-tested without a server.
 */
@Export
@Version("1.3.0")
package org.octopipes.api.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
