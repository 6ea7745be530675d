package org.octopipes.webconsole.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.octopipes.api.DropReason;
import org.octopipes.api.PolicyInfo;
import org.octopipes.testsupport.FakeBroker;
import org.octopipes.testsupport.Json;
import org.octopipes.testsupport.TestLogger;

class OctopipesConsolePluginTest {

    private final FakeBroker broker = new FakeBroker();
    private OctopipesConsolePlugin plugin;

    @AfterEach
    void stop() {
        if (plugin != null) {
            plugin.deactivate();
        }
    }

    @Test
    void theDataHasClientsWithTheirGroupsGroupsWithTheirMembersPoliciesAndTotals() {
        broker.counters = FakeBroker.counters(10, 8, 12, Map.of(DropReason.QUEUE_FULL, 3L));
        broker.add("alice", FakeBroker.counters(6, 5, 7, Map.of()), "sensors", "alarms");
        broker.add("bo\"b</script>", FakeBroker.counters(4, 3, 5, Map.of(DropReason.QUEUE_FULL, 1L)), "sensors");
        broker.policies.add(new PolicyInfo("default", 0, 7, "org.octopipes.router", true));
        plugin = start(2, 5);

        Object data = Json.parse(plugin.data());

        assertThat(Json.at(data, "totals", "delivered")).isEqualTo(12.0);
        assertThat(Json.at(data, "totals", "dropped")).isEqualTo(3.0);
        assertThat(Json.at(data, "clients", 0, "name")).isEqualTo("alice");
        assertThat(Json.at(data, "clients", 0, "groups")).isEqualTo(List.of("alarms", "sensors"));
        assertThat(Json.at(data, "clients", 1, "name")).isEqualTo("bo\"b</script>");
        assertThat(Json.at(data, "clients", 1, "dropped")).isEqualTo(1.0);
        assertThat(Json.at(data, "clients", 1, "queuedBytes")).isEqualTo(40.0);
        assertThat(Json.at(data, "groups", 1, "name")).isEqualTo("sensors");
        assertThat(Json.at(data, "groups", 1, "members")).isEqualTo(List.of("alice", "bo\"b</script>"));
        assertThat(Json.at(data, "policies", 0, "active")).isEqualTo(true);
        assertThat(Json.at(data, "bridges")).isEqualTo(List.of());
        // Written so that no name can end a script the JSON is embedded in.
        assertThat(plugin.data()).doesNotContain("</script>");
    }

    @Test
    void ratesArePerSecondBetweenSamplesAndTheHistoryKeepsItsLength() {
        TrafficHistory history = new TrafficHistory(2);
        history.sample(1_000, FakeBroker.counters(0, 0, 100, Map.of()));
        history.sample(3_000, FakeBroker.counters(0, 0, 140, Map.of(DropReason.QUEUE_FULL, 4L)));
        history.sample(5_000, FakeBroker.counters(0, 0, 140, Map.of(DropReason.QUEUE_FULL, 4L)));
        history.sample(7_000, FakeBroker.counters(0, 0, 150, Map.of(DropReason.QUEUE_FULL, 4L)));

        assertThat(history.rates()).containsExactly(new TrafficHistory.Rate(5_000, 0, 0), new TrafficHistory.Rate(7_000, 5, 0));
    }

    @Test
    void aCounterThatStartsAnewCountsFromZeroInsteadOfANegativeRate() {
        TrafficHistory history = new TrafficHistory(5);
        history.sample(1_000, FakeBroker.counters(0, 0, 100, Map.of()));
        history.sample(2_000, FakeBroker.counters(0, 0, 3, Map.of()));

        assertThat(history.rates()).containsExactly(new TrafficHistory.Rate(2_000, 3, 0));
    }

    @Test
    void aSampleIntervalBelowOneSecondIsRefusedWithItsProperty() {
        assertThatThrownBy(() -> start(0, 5)).hasMessageContaining("sample.seconds");
    }

    private OctopipesConsolePlugin start(int sampleSeconds, int historyMinutes) {
        return new OctopipesConsolePlugin(broker, TestLogger.printing(), new ConsoleConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ConsoleConfiguration.class;
            }

            @Override
            public int sample_seconds() {
                return sampleSeconds;
            }

            @Override
            public int history_minutes() {
                return historyMinutes;
            }
        });
    }
}
