package org.octopipes.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.octopipes.api.PolicyInfo;

class ServerCommandsTest {

    private final RecordingBroker broker = new RecordingBroker();
    private final CapturedOutput output = new CapturedOutput();
    private final ServerCommands commands = new ServerCommands(broker, output);

    @Test
    void statsWithoutAnIntervalShowsTheTotalsAtOnce() {
        broker.counters = RecordingBroker.counters(12, 20, 2);
        broker.withClient("alice", "team");

        commands.stats("0");

        assertThat(output.lines()).startsWith(
                "COUNTER                TOTAL",
                "received                  12",
                "routed                    12",
                "delivered                 20",
                "dropped                    2",
                "dropped NO_RECIPIENT       2",
                "dropped QUEUE_FULL         0");
        assertThat(output.lines()).last().isEqualTo("1 client subscribed, 1 group with members");
    }

    @Test
    void statsSamplesTheCountersForItsRates() {
        commands.stats("1");

        assertThat(output.lines().get(0)).matches("COUNTER +TOTAL +PER SECOND");
        assertThat(output.lines().get(1)).matches("received +0 +0\\.0");
        assertThat(output.lines()).last().asString().matches("0 clients subscribed, 0 groups with members; rates over 1\\.\\d s");
    }

    @Test
    void aBadIntervalIsOneLine() {
        assertThatThrownBy(() -> commands.stats("often")).isInstanceOf(CommandException.class)
                .hasMessage("bad interval 'often': not a whole number");
    }

    @Test
    void policiesShowsEachPolicyAndWhichIsActive() {
        broker.policies.add(new PolicyInfo("audited", 100, 42, "com.example.audit", true));
        broker.policies.add(new PolicyInfo("spec", 0, 17, "org.octopipes.router", false));

        commands.policies();

        assertThat(output.lines()).containsExactly(
                "NAME     RANKING  SERVICE ID  BUNDLE                ACTIVE",
                "audited      100          42  com.example.audit     yes",
                "spec           0          17  org.octopipes.router  no");
    }

    @Test
    void policiesShowsTheAccessChecksAfterThePolicies() {
        broker.policies.add(new PolicyInfo("spec", -1000, 17, "org.octopipes.router", true));
        broker.accessChecks.add(new PolicyInfo("acl", 0, 51, "org.octopipes.policy.acl", true));

        commands.policies();

        assertThat(output.lines()).containsExactly(
                "NAME  RANKING  SERVICE ID  BUNDLE                ACTIVE",
                "spec    -1000          17  org.octopipes.router  yes",
                "",
                "access checks, asked in this order before any policy:",
                "NAME  RANKING  SERVICE ID  BUNDLE",
                "acl         0          51  org.octopipes.policy.acl");
    }
}
