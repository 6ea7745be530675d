package org.octopipes.policy.acl.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.api.NameGlob;
import org.octopipes.routing.testkit.TestTable;
import org.octopipes.testsupport.TestLogger;

class AclAccessCheckTest {

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
        AclAccessCheck acl = new AclAccessCheck(TestLogger.printing(), List.of("allow origin=guest1 remote=admin", "deny origin=guest* remote=admin"), true);

        assertThat(table.check(acl, "guest1", "admin")).isNull();
        assertThat(table.check(acl, "guest2", "admin")).contains("deny origin=guest* remote=admin").contains("guest2 -> admin");
        assertThat(table.check(acl, "alice", "admin")).as("no rule matches: the default allows").isNull();
    }

    @Test
    void theDefaultDenyLetsOnlyWhatARuleAllows() {
        AclAccessCheck acl = new AclAccessCheck(TestLogger.printing(), List.of("allow remote=lobby", "allow origin=admin"), false);

        assertThat(table.check(acl, "guest1", "lobby")).isNull();
        assertThat(table.check(acl, "admin", "alice")).isNull();
        assertThat(table.check(acl, "guest1", "staff")).startsWith("acl default deny");
    }

    @Test
    void questionMarkMatchesOneCharacterAndTheServerIsTheEmptyOrigin() {
        AclAccessCheck acl = new AclAccessCheck(TestLogger.printing(), List.of("deny origin=guest? remote=s*", "deny origin= remote=admin"), true);

        assertThat(table.check(acl, "guest1", "staff")).isNotNull();
        assertThat(table.check(acl, "alice", "staff")).isNull();
        assertThat(table.check(acl, null, "admin")).as("packets the server sends have the empty origin").isNotNull();
        assertThat(table.check(acl, null, "staff")).isNull();
    }

    @Test
    void aSemicolonSeparatesRulesInOneString() {
        AclAccessCheck acl = new AclAccessCheck(TestLogger.printing(), List.of("allow origin=alice; deny remote=admin"), true);
        assertThat(table.check(acl, "alice", "admin")).isNull();
        assertThat(table.check(acl, "guest1", "admin")).contains("deny remote=admin");
    }

    @Test
    void anUnreadableRuleSetDeniesEverything() {
        AclAccessCheck acl = new AclAccessCheck(TestLogger.printing(), List.of("permit everyone"), true);
        assertThat(table.check(acl, "alice", "lobby")).startsWith("acl configuration invalid");
    }

    @Test
    void rulesParseAndGlobsMatch() {
        assertThat(AccessRule.parse("deny origin=guest*").remote()).as("a condition left out").isNull();
        assertThatThrownBy(() -> AccessRule.parse("deny from=x")).hasMessageContaining("from=x");
        assertThat(new NameGlob("a*b?c").matches("axxbyc")).isTrue();
        assertThat(new NameGlob("a*b?c").matches("axxbc")).isFalse();
        assertThat(new NameGlob("*").matches("")).isTrue();
        assertThat(new NameGlob("").matches("")).isTrue();
        assertThat(new NameGlob("").matches("x")).isFalse();
        assertThat(new NameGlob("*x*").matches("abxcd")).isTrue();
    }

    @Test
    void userAndGroupRulesMatchWhatTheKernelToldOfSocketClientsOnly() {
        table.add("guest-1").connectedThrough("unix", "nobody", "guests");
        table.add("root-shell").connectedThrough("unix", "root", "root");
        table.add("fifo-guest").connectedThrough("fifo", null, null);
        table.add("admin-console");
        AclAccessCheck acl = new AclAccessCheck(TestLogger.printing(), List.of("deny group=guests remote=admin*", "deny user=nobody remote=ops",
                "deny transport=fifo remote=vault"), true);

        assertThat(table.check(acl, "guest-1", "admin-console")).contains("deny group=guests remote=admin*");
        assertThat(table.check(acl, "guest-1", "ops")).contains("deny user=nobody");
        assertThat(table.check(acl, "root-shell", "admin-console")).as("another group").isNull();
        assertThat(table.check(acl, "fifo-guest", "admin-console")).as("a FIFO client has no user or group to match").isNull();
        assertThat(table.check(acl, "fifo-guest", "vault")).contains("deny transport=fifo");
        assertThat(table.check(acl, "root-shell", "vault")).as("not a FIFO client").isNull();
    }
}
