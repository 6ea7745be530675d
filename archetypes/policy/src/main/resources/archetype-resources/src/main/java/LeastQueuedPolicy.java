package ${package};

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.octopipes.api.routing.Recipients;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A packet to a group goes to one member: among the members whose name matches the {@code members}
 * pattern, other than its sender, the one with the fewest bytes queued, ties taken in turn. So
 * workers that share a group share its packets, and the busy ones get fewer. A group with no
 * matching member is routed as the default policy {@code spec} routes it: to every member but the
 * sender. A packet to a client's own name goes to that client.
 *
 * <p>{@link #route} runs on the server's I/O threads for every packet: it takes no lock, never
 * blocks, allocates nothing and keeps nothing of the packet.
 */
@Component(configurationPid = LeastQueuedPolicy.PID,
        property = {RoutingPolicy.POLICY_NAME + "=${policyName}", "service.ranking:Integer=0"})
@Designate(ocd = LeastQueuedPolicy.Config.class)
public final class LeastQueuedPolicy implements RoutingPolicy {

    /** The configuration's PID: {@code <PID>.config} in the launcher's deploy/, {@code etc/<PID>.cfg} in Karaf. */
    public static final String PID = "${package}.LeastQueuedPolicy";

    @ObjectClassDefinition(id = PID, name = "Least-queued member policy (${policyName})",
            description = "A packet to a group goes to the member with the fewest queued bytes among those whose name matches a pattern.")
    @interface Config {

        @AttributeDefinition(name = "Members", description = "Which members of a group may receive its packets: a pattern on their names, "
                + "* any run of bytes, ? one byte, e.g. worker-*. A group with no matching member is routed as spec routes it.")
        String members() default "*";

        @AttributeDefinition(name = "Service ranking", description = "The router uses the highest-ranked policy; the default policy spec has -1000.")
        int service_ranking() default 0;
    }

    private static final byte ANY_RUN = '*';
    private static final byte ANY_BYTE = '?';

    /** Where the next search starts, so that members with equal queues take turns. */
    private final AtomicLong turn = new AtomicLong();
    /** The pattern's bytes, replaced whole when the configuration changes. */
    private volatile byte[] members;

    @Activate
    public LeastQueuedPolicy(Config config) {
        modified(config);
    }

    /** Constructs the policy outside OSGi, for tests. */
    LeastQueuedPolicy(String members) {
        this.members = compile(members);
    }

    @Modified
    void modified(Config config) {
        members = compile(config.members());
    }

    private static byte[] compile(String pattern) {
        String trimmed = pattern == null ? "" : pattern.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("members must be a pattern such as worker-* or *, not empty");
        }
        return trimmed.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void route(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients) {
        List<Subscriber> subscribers = table.subscribersOf(packet);
        int size = subscribers.size();
        for (int i = 0; i < size; i++) {
            Subscriber subscriber = subscribers.get(i);
            if (packet.remoteIs(subscriber.name())) {
                // Addressed to a client by its name: that client, never its own sender (as spec).
                if (subscriber != origin) {
                    recipients.add(subscriber);
                }
                return;
            }
        }
        if (size == 0) {
            return;
        }
        byte[] pattern = members;
        int candidates = 0;
        for (int i = 0; i < size; i++) {
            if (isCandidate(subscribers.get(i), origin, pattern)) {
                candidates++;
            }
        }
        if (candidates == 0) {
            // No member matches: the group is not one of workers, so it keeps the default routing.
            for (int i = 0; i < size; i++) {
                Subscriber subscriber = subscribers.get(i);
                if (subscriber != origin) {
                    recipients.add(subscriber);
                }
            }
            return;
        }
        // The search starts at the next candidate in turn, so that among equal queues each gets its share.
        int skip = (int) Long.remainderUnsigned(turn.getAndIncrement(), candidates);
        int start = 0;
        while (start < size && !(isCandidate(subscribers.get(start), origin, pattern) && skip-- == 0)) {
            start++;
        }
        Subscriber best = null;
        long bestBytes = Long.MAX_VALUE;
        for (int k = 0; k < size; k++) {
            Subscriber candidate = subscribers.get((start + k) % size);
            if (isCandidate(candidate, origin, pattern)) {
                long bytes = candidate.queuedBytes();
                if (bytes < bestBytes) {
                    best = candidate;
                    bestBytes = bytes;
                }
            }
        }
        recipients.add(best);
    }

    private static boolean isCandidate(Subscriber member, Subscriber origin, byte[] pattern) {
        return member != origin && matches(pattern, member.name());
    }

    /**
     * Whether {@code name} matches the pattern, byte by byte and without making a string: a
     * {@code *} matches any run of bytes (the last one seen is widened when the rest fails), a
     * {@code ?} any one byte.
     */
    static boolean matches(byte[] pattern, Name name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int starMatched = 0;
        int length = name.length();
        while (n < length) {
            if (p < pattern.length && pattern[p] == ANY_RUN) {
                star = p++;
                starMatched = n;
            } else if (p < pattern.length && (pattern[p] == ANY_BYTE || pattern[p] == name.byteAt(n))) {
                p++;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++starMatched;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == ANY_RUN) {
            p++;
        }
        return p == pattern.length;
    }
}
