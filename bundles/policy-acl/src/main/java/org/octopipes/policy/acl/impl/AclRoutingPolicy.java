package org.octopipes.policy.acl.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.octopipes.api.routing.Recipients;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Access control in front of delivery: allow/deny rules on (origin, remote) decide whether a packet
 * may pass, and an allowed packet is delivered by the next policy, the highest-ranked other
 * {@link RoutingPolicy} (narrowed by {@code delegate.target}), or, without one, as the spec says.
 * A denied packet is handed to {@link Recipients#deny}, which the router counts and logs.
 */
@Component(configurationPid = AclRoutingPolicy.PID,
        property = {RoutingPolicy.POLICY_NAME + "=acl", Constants.SERVICE_RANKING + ":Integer=0"})
@Designate(ocd = AclRoutingPolicy.Config.class)
public final class AclRoutingPolicy implements RoutingPolicy {

    static final String PID = "org.octopipes.policy.acl";

    @ObjectClassDefinition(id = PID, name = "Octopipes ACL routing policy",
            description = "Allow/deny rules on a packet's origin and remote, in front of the next routing policy.")
    @interface Config {

        @AttributeDefinition(name = "Rules", description = "Checked in order, the first that matches decides: 'allow|deny [origin=GLOB] [remote=GLOB]', "
                + "globs with * and ? on the names as the shell shows them; a side left out matches every name. "
                + "The origin is the sending client's subscribed name, the empty name for packets the server sends. "
                + "';' also separates rules, for configuration files without arrays.")
        String[] rules() default {};

        @AttributeDefinition(name = "Default", description = "What happens to a packet that no rule matches.",
                options = {@Option(value = "allow", label = "allow"), @Option(value = "deny", label = "deny")})
        String default$() default "allow";

        @AttributeDefinition(name = "Delegate target", description = "An LDAP filter choosing which policies may deliver allowed packets; "
                + "the highest-ranked match delivers. By default every policy but this one.")
        String delegate_target() default DEFAULT_DELEGATE_TARGET;

        @AttributeDefinition(name = "Service ranking", description = "The router uses the highest-ranked policy; the default policy spec has -1000.")
        int service_ranking() default 0;
    }

    static final String DEFAULT_DELEGATE_TARGET = "(!(" + RoutingPolicy.POLICY_NAME + "=acl))";

    /** The rules in force and the default, replaced as a whole so that a packet sees one consistent set. */
    private record RuleSet(List<AccessRule> rules, boolean allowByDefault, String broken) {
    }

    private final Logger logger;
    private volatile RuleSet ruleSet;

    /** Candidate delegates, highest ranking first by the OSGi rule; guarded by itself, read only on bind changes. */
    private final Map<ServiceReference<RoutingPolicy>, RoutingPolicy> delegates = new TreeMap<>(Comparator.reverseOrder());

    /** The delegate in force: what {@link #route} reads, without a lock. */
    private volatile RoutingPolicy delegate;

    @Activate
    public AclRoutingPolicy(@Reference(name = "logger", service = LoggerFactory.class) Logger logger, Config config) {
        this.logger = logger;
        modified(config);
    }

    /** Constructs the policy outside OSGi, for tests. */
    AclRoutingPolicy(Logger logger, List<String> rules, boolean allowByDefault) {
        this.logger = logger;
        this.ruleSet = parse(rules, allowByDefault ? "allow" : "deny");
    }

    @Modified
    void modified(Config config) {
        ruleSet = parse(List.of(config.rules()), config.default$());
    }

    /**
     * A rule set that cannot be read fails closed: every packet is denied, with the reason, until the
     * configuration is fixed, rather than the ACL silently letting everything through.
     */
    private RuleSet parse(List<String> lines, String defaultAction) {
        try {
            List<AccessRule> rules = new ArrayList<>();
            for (String line : lines) {
                // ';' separates rules too, for configuration formats without arrays (a Karaf .cfg file).
                for (String rule : line.split(";")) {
                    if (!rule.isBlank()) {
                        rules.add(AccessRule.parse(rule));
                    }
                }
            }
            String action = defaultAction == null ? "allow" : defaultAction.trim();
            if (!action.equals("allow") && !action.equals("deny")) {
                throw new IllegalArgumentException("default must be allow or deny, not '" + action + "'");
            }
            logger.info("ACL in force: {} rules, otherwise {}", rules.size(), action);
            return new RuleSet(List.copyOf(rules), action.equals("allow"), null);
        } catch (IllegalArgumentException e) {
            logger.error("ACL configuration {} is invalid, every packet is denied until it is fixed: {}", PID, e.getMessage());
            return new RuleSet(List.of(), false, "acl configuration invalid: " + e.getMessage());
        }
    }

    @Reference(name = "delegate", service = RoutingPolicy.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = DEFAULT_DELEGATE_TARGET)
    void bindDelegate(ServiceReference<RoutingPolicy> reference, RoutingPolicy policy) {
        if (policy == this) {
            // A delegate.target that matches the ACL itself would make it call itself for ever.
            return;
        }
        synchronized (delegates) {
            delegates.put(reference, policy);
            chooseDelegate();
        }
    }

    void updatedDelegate(ServiceReference<RoutingPolicy> reference, RoutingPolicy policy) {
        if (policy == this) {
            return;
        }
        synchronized (delegates) {
            // A changed ranking moves the reference: take it out and put it back in its new place.
            delegates.values().removeIf(known -> known == policy);
            delegates.put(reference, policy);
            chooseDelegate();
        }
    }

    void unbindDelegate(ServiceReference<RoutingPolicy> reference, RoutingPolicy policy) {
        synchronized (delegates) {
            delegates.values().removeIf(known -> known == policy);
            chooseDelegate();
        }
    }

    private void chooseDelegate() {
        delegate = delegates.isEmpty() ? null : delegates.values().iterator().next();
    }

    /** For tests: the policy that delivers what the rules allow. */
    void delegate(RoutingPolicy policy) {
        delegate = policy;
    }

    @Override
    public void route(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients) {
        RuleSet rules = ruleSet;
        if (rules.broken() != null) {
            recipients.deny(rules.broken());
            return;
        }
        // The origin is who wrote to the TX FIFO, not the name a packet claims.
        String from = origin == null ? Name.SERVER.toString() : origin.name().toString();
        String to = packet.remote().toString();
        AccessRule decisive = null;
        for (AccessRule rule : rules.rules()) {
            if (rule.matches(from, to)) {
                decisive = rule;
                break;
            }
        }
        if (decisive == null ? !rules.allowByDefault() : !decisive.allow()) {
            recipients.deny(decisive == null ? "acl default deny: " + from + " -> " + to : "acl rule '" + decisive.text() + "': " + from + " -> " + to);
            return;
        }
        RoutingPolicy next = delegate;
        if (next != null) {
            next.route(packet, origin, table, recipients);
        } else {
            deliverAsTheSpecSays(packet, origin, table, recipients);
        }
    }

    private static void deliverAsTheSpecSays(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients) {
        List<Subscriber> subscribers = table.subscribersOf(packet);
        for (int i = 0, size = subscribers.size(); i < size; i++) {
            Subscriber subscriber = subscribers.get(i);
            if (subscriber != origin) {
                recipients.add(subscriber);
            }
        }
    }
}
