package org.octopipes.jmx.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.octopipes.api.ClientInfo;
import org.octopipes.codec.Name;
import org.octopipes.testsupport.FakeBroker;
import org.octopipes.testsupport.TestLogger;

/** The component in the platform MBeanServer: what it registers, its periodic refresh, and its clean exit. */
class JmxComponentTest {

    private final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();

    @Test
    void clientsAreFollowedPeriodicallyAndEverythingGoesOnDeactivate() throws Exception {
        FakeBroker broker = new FakeBroker();
        TestLogger log = new TestLogger();
        JmxComponent component = new JmxComponent(broker, log.logger());
        try {
            assertThat(platform.isRegistered(MBeanNames.SERVER)).isTrue();

            broker.add("alice", FakeBroker.counters(0, 0, 0, Map.of()));
            ObjectName alice = MBeanNames.client(Name.of("alice"));
            await().atMost(Duration.ofSeconds(5)).until(() -> platform.isRegistered(alice));

            broker.remove("alice");
            await().atMost(Duration.ofSeconds(5)).until(() -> !platform.isRegistered(alice));
        } finally {
            component.deactivate();
        }

        assertThat(platform.queryNames(new ObjectName(MBeanNames.DOMAIN + ":*"), null)).isEmpty();
        assertThat(log.at("WARN")).isEmpty();
    }

    @Test
    void aRefreshThatFailsDoesNotStopTheNextOnes() throws Exception {
        FakeBroker broker = new FakeBroker() {
            private int calls;

            @Override
            public List<ClientInfo> clients() {
                // The first call is open()'s; the first scheduled refresh then fails once.
                if (++calls == 2) {
                    throw new IllegalStateException("router going away");
                }
                return super.clients();
            }
        };
        TestLogger log = new TestLogger();
        JmxComponent component = new JmxComponent(broker, log.logger());
        try {
            broker.add("bob", FakeBroker.counters(0, 0, 0, Map.of()));

            await().atMost(Duration.ofSeconds(10)).until(() -> platform.isRegistered(MBeanNames.client(Name.of("bob"))));
            assertThat(log.at("WARN")).hasSize(1).first().asString().contains("router going away");
        } finally {
            component.deactivate();
        }
    }
}
