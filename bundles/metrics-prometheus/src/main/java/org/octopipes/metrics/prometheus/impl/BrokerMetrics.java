package org.octopipes.metrics.prometheus.impl;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.TrafficCounters;
import org.octopipes.monitoring.support.BridgeReadings;
import org.octopipes.monitoring.support.BridgeReadings.Bridge;

/**
 * The broker's state as Prometheus metric families, named and typed by the Prometheus
 * conventions: {@code octopipes_} first, counters ending in {@code _total}, sizes in bytes, one
 * family per meaning with labels for its parts (the drop reason, the client, the bridge).
 * The unlabelled families (totals, counts) are in every scrape, at zero on an idle server; a
 * labelled family without a sample (no client, no bridge) is left out, as Prometheus expects.
 */
final class BrokerMetrics {

    private final Broker broker;
    private final BridgeReadings bridges;
    private final int maxClientSeries;

    BrokerMetrics(Broker broker, BridgeReadings bridges, int maxClientSeries) {
        this.broker = broker;
        this.bridges = bridges;
        this.maxClientSeries = maxClientSeries;
    }

    MetricSnapshots snapshot() {
        MetricSnapshots.Builder families = MetricSnapshots.builder();
        serverFamilies(families);
        clientFamilies(families);
        policyFamilies(families);
        bridgeFamilies(families);
        return families.build();
    }

    private void serverFamilies(MetricSnapshots.Builder families) {
        TrafficCounters totals = broker.counters();
        families.metricSnapshot(counter("octopipes_received", "Packets read from clients (and sent by the server itself).", totals.received()));
        families.metricSnapshot(counter("octopipes_routed", "Packets the routing policy gave at least one recipient.", totals.routed()));
        families.metricSnapshot(counter("octopipes_delivered", "Packets written to recipients, one per recipient.", totals.delivered()));
        CounterSnapshot.Builder dropped = CounterSnapshot.builder().name("octopipes_dropped")
                .help("Packets dropped, by reason (one per recipient where a recipient was known).");
        for (DropReason reason : DropReason.values()) {
            dropped.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", reasonLabel(reason)))
                    .value(totals.dropped(reason)).build());
        }
        families.metricSnapshot(dropped.build());

        List<ClientInfo> clients = broker.clients();
        families.metricSnapshot(gauge("octopipes_clients", "Subscribed clients.", clients.size()));
        families.metricSnapshot(gauge("octopipes_groups", "Groups with at least one member.", broker.groups().size()));
        families.metricSnapshot(gauge("octopipes_queued_packets", "Packets waiting in the clients' outbound queues.",
                clients.stream().mapToLong(ClientInfo::queuedPackets).sum()));
        families.metricSnapshot(gauge("octopipes_queued_bytes", "Bytes waiting in the clients' outbound queues.",
                clients.stream().mapToLong(ClientInfo::queuedBytes).sum()));
    }

    /** Per-client series for the first {@code maxClientSeries} clients by name: a stable set from scrape to scrape. */
    private void clientFamilies(MetricSnapshots.Builder families) {
        List<ClientInfo> clients = broker.clients();
        List<ClientInfo> shown = clients.subList(0, Math.min(clients.size(), maxClientSeries));
        families.metricSnapshot(gauge("octopipes_clients_without_series", "Subscribed clients beyond max.client.series,"
                + " which have no octopipes_client_* series.", clients.size() - shown.size()));
        families.metricSnapshot(counters(shown, BrokerMetrics::clientLabels, "octopipes_client_received", "Packets read from the client.",
                client -> client.counters().received()));
        families.metricSnapshot(counters(shown, BrokerMetrics::clientLabels, "octopipes_client_delivered", "Packets written to the client.",
                client -> client.counters().delivered()));
        families.metricSnapshot(counters(shown, BrokerMetrics::clientLabels, "octopipes_client_dropped", "Packets dropped on the way to the client, for any reason.",
                client -> client.counters().droppedTotal()));
        families.metricSnapshot(gauges(shown, BrokerMetrics::clientLabels, "octopipes_client_queued_packets", "Packets waiting in the client's outbound queue.",
                ClientInfo::queuedPackets));
        families.metricSnapshot(gauges(shown, BrokerMetrics::clientLabels, "octopipes_client_queued_bytes", "Bytes waiting in the client's outbound queue.",
                ClientInfo::queuedBytes));
    }

    private void policyFamilies(MetricSnapshots.Builder families) {
        families.metricSnapshot(gauges(broker.policies(), BrokerMetrics::policyLabels, "octopipes_routing_policy_active",
                "Each installed routing policy: 1 for the one that routes, 0 for the others.", policy -> policy.active() ? 1 : 0));
        families.metricSnapshot(gauges(broker.accessChecks(), BrokerMetrics::policyLabels, "octopipes_access_check_active",
                "Each access check in force, in the order the router asks them: 1 when active.", check -> check.active() ? 1 : 0));
    }

    private void bridgeFamilies(MetricSnapshots.Builder families) {
        List<Bridge> all = bridges.read();
        families.metricSnapshot(gauges(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_connected", "Whether the MQTT bridge's connections are up: 1 or 0.",
                bridge -> bridge.connected() ? 1 : 0));
        families.metricSnapshot(counters(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_sent", "Packets the MQTT bridge published to its broker.",
                Bridge::sent));
        families.metricSnapshot(counters(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_received", "Packets the MQTT bridge received and routed here.",
                Bridge::received));
        families.metricSnapshot(counters(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_dropped", "Packets the MQTT bridge dropped.", Bridge::dropped));
        families.metricSnapshot(gauges(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_queued_packets", "Packets waiting to be published by the MQTT bridge.",
                Bridge::queuedPackets));
        families.metricSnapshot(gauges(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_queued_bytes", "Bytes waiting to be published by the MQTT bridge.",
                Bridge::queuedBytes));
        families.metricSnapshot(gauges(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_importers_waited_for",
                "Importing servers whose confirmations the MQTT bridge's exports wait for (credit flow control).", Bridge::importersWaitedFor));
        families.metricSnapshot(counters(all, BrokerMetrics::bridgeLabels, "octopipes_bridge_importers_given_up",
                "Importing servers the MQTT bridge stopped waiting for: gone, or silent past credit.timeout.millis.", Bridge::importersGivenUp));
    }

    /** {@code QUEUE_FULL} as {@code queue_full}: label values in the lower case of Prometheus's own. */
    static String reasonLabel(DropReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    private static CounterSnapshot counter(String name, String help, double value) {
        return CounterSnapshot.builder().name(name).help(help).dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** A counter family with one sample for each of {@code items}, labelled by {@code labels}. */
    private static <T> CounterSnapshot counters(List<T> items, Function<T, Labels> labels, String name, String help,
            ToDoubleFunction<T> value) {
        CounterSnapshot.Builder family = CounterSnapshot.builder().name(name).help(help);
        for (T item : items) {
            family.dataPoint(CounterDataPointSnapshot.builder().labels(labels.apply(item)).value(value.applyAsDouble(item)).build());
        }
        return family.build();
    }

    /** A gauge family with one sample for each of {@code items}, labelled by {@code labels}. */
    private static <T> GaugeSnapshot gauges(List<T> items, Function<T, Labels> labels, String name, String help,
            ToDoubleFunction<T> value) {
        GaugeSnapshot.Builder family = GaugeSnapshot.builder().name(name).help(help);
        for (T item : items) {
            family.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.apply(item)).value(value.applyAsDouble(item)).build());
        }
        return family.build();
    }

    private static Labels clientLabels(ClientInfo client) {
        return Labels.of("client", client.name().toString(), "transport", client.transport());
    }

    private static Labels policyLabels(PolicyInfo policy) {
        return Labels.of("name", policy.name(), "bundle", policy.bundle());
    }

    private static Labels bridgeLabels(Bridge bridge) {
        return Labels.of("bridge", bridge.name(), "broker", bridge.broker());
    }
}
