package org.octopipes.metrics.prometheus.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.api.DropReason;
import org.octopipes.api.PolicyInfo;
import org.octopipes.bridge.mqtt.impl.BridgeMXBean;
import org.octopipes.monitoring.support.BridgeReadings;
import org.octopipes.testsupport.FakeBroker;
import org.octopipes.testsupport.Prometheus;

class BrokerMetricsTest {

    /** A bridge's status through the bridge bundle's own MXBean interface, so that a renamed attribute shows here. */
    record Bridge(String getName, String getBroker, String getClientId, boolean isConnected, int getQueuedPackets, long getQueuedBytes,
            long getSent, long getReceived, long getDropped, int getRemoteNames, int getImportersWaitedFor,
            long getImportersGivenUp) implements BridgeMXBean {
    }

    /** The MXBean of a bridge bundle from before flow control between bridges (issue 16). */
    public interface BridgeBeforeFlowControlMXBean {
        String getName();

        String getBroker();

        boolean isConnected();

        int getQueuedPackets();

        long getQueuedBytes();

        long getSent();

        long getReceived();

        long getDropped();
    }

    record BridgeBeforeFlowControl(String getName, String getBroker, boolean isConnected, int getQueuedPackets, long getQueuedBytes,
            long getSent, long getReceived, long getDropped) implements BridgeBeforeFlowControlMXBean {
    }

    private final FakeBroker broker = new FakeBroker();
    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();

    @TempDir
    Path folder;

    @Test
    void theExpositionIsValidAndFollowsTheNamingConventionsByPromtool() throws Exception {
        serverWithTraffic();
        String exposition = scrape(100);

        Prometheus.CheckResult check = Prometheus.checkMetrics(exposition, folder);

        assertThat(check.output()).as("promtool on:\n" + exposition).isEmpty();
        assertThat(check.status()).isZero();
    }

    @Test
    void totalsDropsClientsGroupsPoliciesAndBridgesAreThere() throws Exception {
        serverWithTraffic();

        String exposition = scrape(100);

        assertThat(exposition).contains("# TYPE octopipes_delivered_total counter", "octopipes_delivered_total 12.0",
                "octopipes_received_total 10.0", "octopipes_routed_total 8.0",
                "octopipes_dropped_total{reason=\"queue_full\"} 3.0", "octopipes_dropped_total{reason=\"no_recipient\"} 2.0",
                "octopipes_dropped_total{reason=\"forged_origin\"} 0.0",
                "# TYPE octopipes_clients gauge", "octopipes_clients 2.0", "octopipes_groups 2.0",
                "octopipes_queued_bytes 80.0", "octopipes_queued_packets 4.0",
                "octopipes_client_delivered_total{client=\"alice\",transport=\"fifo\"} 7.0",
                "octopipes_client_dropped_total{client=\"bob\",transport=\"fifo\"} 1.0",
                "octopipes_client_queued_bytes{client=\"bob\",transport=\"fifo\"} 40.0",
                "octopipes_routing_policy_active{bundle=\"org.octopipes.router\",name=\"default\"} 0.0",
                "octopipes_routing_policy_active{bundle=\"org.octopipes.policy.anycast\",name=\"anycast\"} 1.0",
                "octopipes_bridge_connected{bridge=\"site-b\",broker=\"tcp://127.0.0.1:1883\"} 1.0",
                "octopipes_bridge_sent_total{bridge=\"site-b\",broker=\"tcp://127.0.0.1:1883\"} 20.0",
                "octopipes_bridge_queued_bytes{bridge=\"site-b\",broker=\"tcp://127.0.0.1:1883\"} 512.0",
                "octopipes_bridge_importers_waited_for{bridge=\"site-b\",broker=\"tcp://127.0.0.1:1883\"} 2.0",
                "octopipes_bridge_importers_given_up_total{bridge=\"site-b\",broker=\"tcp://127.0.0.1:1883\"} 1.0",
                "octopipes_clients_without_series 0.0");
    }

    @Test
    void onlyTheFirstClientsByNameGetSeriesOfTheirOwnAndTheOthersAreCounted() throws Exception {
        serverWithTraffic();
        broker.add("carol", FakeBroker.counters(1, 1, 1, Map.of()));

        String exposition = scrape(2);

        assertThat(exposition).contains("client=\"alice\"", "client=\"bob\"", "octopipes_clients_without_series 1.0", "octopipes_clients 3.0")
                .doesNotContain("client=\"carol\"");
        assertThat(scrape(0)).doesNotContain("client=").contains("octopipes_clients_without_series 3.0");
    }

    @Test
    void aBridgeBundleFromBeforeFlowControlStillShowsWithNoImporters() throws Exception {
        mbeans.registerMBean(new StandardMBean(new BridgeBeforeFlowControl("old", "tcp://127.0.0.1:1883", true, 0, 0, 20, 3, 0),
                BridgeBeforeFlowControlMXBean.class, true), new ObjectName("org.octopipes:type=Bridge,name=old"));

        String exposition = scrape(100);

        String labels = "{bridge=\"old\",broker=\"tcp://127.0.0.1:1883\"}";
        assertThat(exposition).contains("octopipes_bridge_sent_total" + labels + " 20.0", "octopipes_bridge_importers_waited_for" + labels + " 0.0",
                "octopipes_bridge_importers_given_up_total" + labels + " 0.0");
    }

    @Test
    void anIdleServerHasItsTotalsAtZeroAndNoLabelledSeries() throws Exception {
        String exposition = scrape(100);

        assertThat(exposition).contains("octopipes_clients 0.0", "octopipes_delivered_total 0.0", "octopipes_clients_without_series 0.0",
                "octopipes_dropped_total{reason=\"queue_full\"} 0.0").doesNotContain("client=", "bridge=", "octopipes_routing_policy_active");
        assertTrue(Prometheus.checkMetrics(exposition, folder).output().isEmpty());
    }

    @Test
    void aClientNameWithQuotesAndBackslashesIsEscapedInItsLabel() throws Exception {
        broker.add("we\"ird\\name", FakeBroker.counters(0, 0, 4, Map.of()));

        String exposition = scrape(100);

        // The name's text form writes a backslash as \x5c; the label escapes that backslash, and the quote.
        assertThat(exposition).contains("octopipes_client_delivered_total{client=\"we\\\"ird\\\\x5cname\",transport=\"fifo\"} 4.0");
        assertThat(Prometheus.checkMetrics(exposition, folder).status()).isZero();
    }

    private void serverWithTraffic() throws Exception {
        broker.counters = FakeBroker.counters(10, 8, 12, Map.of(DropReason.QUEUE_FULL, 3L, DropReason.NO_RECIPIENT, 2L));
        broker.add("alice", FakeBroker.counters(6, 5, 7, Map.of()), "sensors", "alarms");
        broker.add("bob", FakeBroker.counters(4, 3, 5, Map.of(DropReason.QUEUE_FULL, 1L)), "sensors");
        broker.policies.add(new PolicyInfo("anycast", 10, 42, "org.octopipes.policy.anycast", true));
        broker.policies.add(new PolicyInfo("default", 0, 7, "org.octopipes.router", false));
        mbeans.registerMBean(new StandardMBean(new Bridge("site-b", "tcp://127.0.0.1:1883", "site-a", true, 2, 512, 20, 30, 1, 0, 2, 1), BridgeMXBean.class, true),
                new ObjectName("org.octopipes:type=Bridge,name=site-b"));
    }

    private String scrape(int maxClientSeries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, new BrokerMetrics(broker, new BridgeReadings(mbeans), maxClientSeries).snapshot(),
                EscapingScheme.UNDERSCORE_ESCAPING);
        return out.toString(StandardCharsets.UTF_8);
    }
}
