package org.octopipes.policy.anycast.impl;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.octopipes.api.routing.Recipients;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.codec.Frame;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Work queues, like NATS queue groups: a packet to a group goes to exactly one of its members other
 * than the sender, chosen round-robin or by the shortest queue. A packet to a client's own name
 * still goes to that client.
 */
@Component(configurationPid = AnycastRoutingPolicy.PID,
        property = {RoutingPolicy.POLICY_NAME + "=anycast", Constants.SERVICE_RANKING + ":Integer=0"})
@Designate(ocd = AnycastRoutingPolicy.Config.class)
public final class AnycastRoutingPolicy implements RoutingPolicy {

    static final String PID = "org.octopipes.policy.anycast";
    static final String ROUND_ROBIN = "round-robin";
    static final String LEAST_QUEUED = "least-queued";

    /**
     * Round-robin turns, striped by the remote's hash so that groups mostly keep their own turn
     * without a map lookup or an allocation per packet; two groups sharing a stripe share a turn.
     */
    private static final int STRIPES = 64;

    @ObjectClassDefinition(id = PID, name = "Octopipes anycast routing policy",
            description = "A packet to a group goes to exactly one member other than its sender.")
    @interface Config {

        @AttributeDefinition(name = "Mode", description = "How the one member is chosen: in turn, or the one with the fewest bytes queued (ties in turn).",
                options = {@Option(value = ROUND_ROBIN, label = "round-robin"), @Option(value = LEAST_QUEUED, label = "least-queued")})
        String mode() default ROUND_ROBIN;

        @AttributeDefinition(name = "Service ranking", description = "The router uses the highest-ranked policy; the default policy spec has -1000.")
        int service_ranking() default 0;
    }

    private final AtomicLongArray turns = new AtomicLongArray(STRIPES);
    private volatile boolean leastQueued;

    @Activate
    public AnycastRoutingPolicy(Config config) {
        modified(config);
    }

    /** Constructs the policy outside OSGi, for tests. */
    AnycastRoutingPolicy(boolean leastQueued) {
        this.leastQueued = leastQueued;
    }

    @Modified
    void modified(Config config) {
        String mode = config.mode() == null ? ROUND_ROBIN : config.mode().trim();
        if (!mode.equals(ROUND_ROBIN) && !mode.equals(LEAST_QUEUED)) {
            throw new IllegalArgumentException("mode must be " + ROUND_ROBIN + " or " + LEAST_QUEUED + ", not '" + mode + "'");
        }
        leastQueued = mode.equals(LEAST_QUEUED);
    }

    @Override
    public void route(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients) {
        List<Subscriber> subscribers = table.subscribersOf(packet);
        int size = subscribers.size();
        int candidates = 0;
        for (int i = 0; i < size; i++) {
            Subscriber subscriber = subscribers.get(i);
            if (packet.remoteIs(subscriber.name())) {
                // Addressed to a client by its name: that client, as the spec says, never its own sender.
                if (subscriber != origin) {
                    recipients.add(subscriber);
                }
                return;
            }
            if (subscriber != origin) {
                candidates++;
            }
        }
        if (candidates == 0) {
            return;
        }
        int start = (int) Math.floorMod(turns.getAndIncrement(packet.remoteHash() & (STRIPES - 1)), (long) candidates);
        recipients.add(leastQueued ? leastQueued(subscribers, origin, start) : nth(subscribers, origin, start));
    }

    /** The {@code n}th subscriber other than the origin. */
    private static Subscriber nth(List<Subscriber> subscribers, Subscriber origin, int n) {
        for (int i = 0, seen = 0, size = subscribers.size(); i < size; i++) {
            Subscriber subscriber = subscribers.get(i);
            if (subscriber != origin && seen++ == n) {
                return subscriber;
            }
        }
        throw new IllegalStateException("fewer candidates than counted");
    }

    /** The candidate with the fewest bytes queued, looking from the {@code start}th position on so that ties take turns. */
    private static Subscriber leastQueued(List<Subscriber> subscribers, Subscriber origin, int start) {
        Subscriber best = null;
        long bestBytes = Long.MAX_VALUE;
        for (int k = 0, size = subscribers.size(); k < size; k++) {
            Subscriber candidate = subscribers.get((start + k) % size);
            if (candidate == origin) {
                continue;
            }
            long bytes = candidate.queuedBytes();
            if (bytes < bestBytes) {
                best = candidate;
                bestBytes = bytes;
            }
        }
        return best;
    }
}
