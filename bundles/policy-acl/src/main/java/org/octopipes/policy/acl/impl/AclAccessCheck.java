package org.octopipes.policy.acl.impl;

import java.util.ArrayList;
import java.util.List;
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Access control in front of routing: allow/deny rules on (origin, remote) decide whether a packet
 * may be routed at all. An {@link AccessCheck}, which the router applies before its routing policy,
 * so that no policy, whatever its ranking, delivers what the rules deny. A denied packet is counted
 * ({@code POLICY_DENIED}) and logged by the router, with the rule that denied it.
 */
@Component(configurationPid = AclAccessCheck.PID,
        property = {AccessCheck.CHECK_NAME + "=acl", Constants.SERVICE_RANKING + ":Integer=0"})
@Designate(ocd = AclAccessCheck.Config.class)
public final class AclAccessCheck implements AccessCheck {

    static final String PID = "org.octopipes.policy.acl";

    @ObjectClassDefinition(id = PID, name = "Octopipes ACL",
            description = "Allow/deny rules on a packet's origin and remote, checked before any routing policy.")
    @interface Config {

        @AttributeDefinition(name = "Rules", description = "Checked in order, the first that matches decides: "
                + "'allow|deny [origin=GLOB] [remote=GLOB] [user=GLOB] [group=GLOB] [transport=GLOB]', "
                + "globs with * and ? on the names as the shell shows them; a condition left out matches everything. "
                + "The origin is the sending client's subscribed name, the empty name for packets the server sends. "
                + "user= and group= match the sender's user and group as the kernel told them, so Unix socket clients only; "
                + "transport= matches the sender's transport (fifo, unix, mqtt). "
                + "';' also separates rules, for configuration files without arrays.")
        String[] rules() default {};

        @AttributeDefinition(name = "Default", description = "What happens to a packet that no rule matches.",
                options = {@Option(value = "allow", label = "allow"), @Option(value = "deny", label = "deny")})
        String default$() default "allow";

        @AttributeDefinition(name = "Service ranking", description = "The order among access checks: the highest-ranked is asked first. "
                + "Every check is asked, before any routing policy, whatever the policies' rankings.")
        int service_ranking() default 0;
    }

    /** The rules in force and the default, replaced as a whole so that a packet sees one consistent set. */
    private record RuleSet(List<AccessRule> rules, boolean allowByDefault, String broken) {
    }

    private final Logger logger;
    private volatile RuleSet ruleSet;

    @Activate
    public AclAccessCheck(@Reference(name = "logger", service = LoggerFactory.class) Logger logger, Config config) {
        this.logger = logger;
        modified(config);
    }

    /** Constructs the check outside OSGi, for tests. */
    AclAccessCheck(Logger logger, List<String> rules, boolean allowByDefault) {
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

    @Override
    public String denial(Frame packet, Subscriber origin) {
        RuleSet rules = ruleSet;
        if (rules.broken() != null) {
            return rules.broken();
        }
        // The origin is who wrote to the TX FIFO, not the name a packet claims.
        String from = origin == null ? Name.SERVER.toString() : origin.name().toString();
        String to = packet.remote().toString();
        AccessRule decisive = null;
        for (AccessRule rule : rules.rules()) {
            if (rule.matches(origin, from, to)) {
                decisive = rule;
                break;
            }
        }
        if (decisive == null ? rules.allowByDefault() : decisive.allow()) {
            return null;
        }
        return decisive == null ? "acl default deny: " + from + " -> " + to : "acl rule '" + decisive.text() + "': " + from + " -> " + to;
    }
}
