package org.octopipes.policy.acl.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.api.routing.RoutingPolicy;
import org.osgi.service.log.Logger;
import org.octopipes.routing.testkit.TestTable;

class AclRoutingPolicyTest {

    /** A logger that discards everything. */
    private static final Logger QUIET = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> method.getReturnType() == boolean.class ? false : method.getReturnType() == String.class ? "quiet" : null);

    private final TestTable table = new TestTable();

    @BeforeEach
    void subscribe() {
        table.add("admin");
        table.add("guest1", "lobby");
        table.add("guest2", "lobby");
        table.add("alice", "lobby", "staff");
    }

    @Test
    void theFirstMatchingRuleDecidesAndDeniedPacketsSayWhy() {
        AclRoutingPolicy policy = new AclRoutingPolicy(QUIET, List.of("allow origin=guest1 remote=admin", "deny origin=guest* remote=admin"), true);

        assertThat(table.send(policy, "guest1", "admin").names()).containsExactly("admin");
        TestTable.Choice denied = table.send(policy, "guest2", "admin");
        assertThat(denied.denial()).contains("deny origin=guest* remote=admin").contains("guest2 -> admin");
        assertThat(table.send(policy, "alice", "admin").names()).as("no rule matches: the default allows").containsExactly("admin");
    }

    @Test
    void theDefaultDenyLetsOnlyWhatARuleAllows() {
        AclRoutingPolicy policy = new AclRoutingPolicy(QUIET, List.of("allow remote=lobby", "allow origin=admin"), false);

        assertThat(table.send(policy, "guest1", "lobby").names()).containsExactly("guest2", "alice");
        assertThat(table.send(policy, "admin", "alice").names()).containsExactly("alice");
        assertThat(table.send(policy, "guest1", "staff").denial()).startsWith("acl default deny");
    }

    @Test
    void questionMarkMatchesOneCharacterAndTheServerIsTheEmptyOrigin() {
        AclRoutingPolicy policy = new AclRoutingPolicy(QUIET, List.of("deny origin=guest? remote=s*", "deny origin= remote=admin"), true);

        assertThat(table.send(policy, "guest1", "staff").denial()).isNotNull();
        assertThat(table.send(policy, "alice", "staff").denial()).isNull();
        assertThat(table.send(policy, null, "admin").denial()).as("packets the server sends have the empty origin").isNotNull();
        assertThat(table.send(policy, null, "staff").names()).containsExactly("alice");
    }

    @Test
    void anAllowedPacketIsDeliveredByTheDelegate() {
        AclRoutingPolicy policy = new AclRoutingPolicy(QUIET, List.of("deny origin=guest*"), true);
        RoutingPolicy everyoneIncludingTheSender = (packet, origin, subscriptions, recipients) -> subscriptions.subscribersOf(packet).forEach(recipients::add);
        policy.delegate(everyoneIncludingTheSender);

        assertThat(table.send(policy, "alice", "lobby").names()).containsExactly("guest1", "guest2", "alice");
        assertThat(table.send(policy, "guest1", "lobby").denial()).isNotNull();
        assertThat(table.send(policy, "guest1", "lobby").recipients()).isEmpty();
    }

    @Test
    void withoutADelegateDeliveryIsTheSpecs() {
        AclRoutingPolicy policy = new AclRoutingPolicy(QUIET, List.of(), true);
        assertThat(table.send(policy, "alice", "lobby").names()).containsExactly("guest1", "guest2");
    }

    @Test
    void aSemicolonSeparatesRulesInOneString() {
        AclRoutingPolicy policy = new AclRoutingPolicy(QUIET, List.of("allow origin=alice; deny remote=admin"), true);
        assertThat(table.send(policy, "alice", "admin").names()).containsExactly("admin");
        assertThat(table.send(policy, "guest1", "admin").denial()).contains("deny remote=admin");
    }

    @Test
    void anUnreadableRuleSetDeniesEverything() {
        AclRoutingPolicy policy = new AclRoutingPolicy(QUIET, List.of("permit everyone"), true);
        assertThat(table.send(policy, "alice", "lobby").denial()).startsWith("acl configuration invalid");
    }

    @Test
    void rulesParseAndGlobsMatch() {
        assertThat(AccessRule.parse("deny origin=guest*").remoteGlob()).isEqualTo("*");
        assertThatThrownBy(() -> AccessRule.parse("deny from=x")).hasMessageContaining("from=x");
        assertThat(AccessRule.glob("a*b?c", "axxbyc")).isTrue();
        assertThat(AccessRule.glob("a*b?c", "axxbc")).isFalse();
        assertThat(AccessRule.glob("*", "")).isTrue();
        assertThat(AccessRule.glob("", "")).isTrue();
        assertThat(AccessRule.glob("", "x")).isFalse();
        assertThat(AccessRule.glob("*x*", "abxcd")).isTrue();
    }
}
