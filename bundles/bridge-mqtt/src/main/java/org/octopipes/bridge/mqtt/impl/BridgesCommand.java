package org.octopipes.bridge.mqtt.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code octopipes:bridges}, registered by this bundle so that the shell bundle does not depend on
 * it. Plain Gogo command properties, no Gogo types: the bundle runs where there is no shell, and
 * Gogo and Karaf both print the returned text.
 */
@Component(service = BridgesCommand.class, property = {"osgi.command.scope=octopipes", "osgi.command.function=bridges"})
public final class BridgesCommand {

    /** Bridges come and go with their configurations. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, fieldOption = FieldOption.UPDATE)
    private final List<BridgeStatus> bridges = new CopyOnWriteArrayList<>();

    /** Every MQTT bridge: broker, connection, buffer, traffic and the importing bridges its exports wait for. */
    public String bridges() {
        List<BridgeStatus> sorted = new ArrayList<>(bridges);
        sorted.sort(Comparator.comparing(BridgeStatus::name));
        return table(sorted);
    }

    static String table(List<BridgeStatus> bridges) {
        if (bridges.isEmpty()) {
            return "no MQTT bridge is configured (factory PID " + BridgeConfiguration.FACTORY_PID + ")";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "BROKER", "CLIENT ID", "CONNECTED", "QUEUED", "QUEUED BYTES", "SENT", "RECEIVED", "DROPPED", "REMOTES",
            "IMPORTERS", "GIVEN UP"});
        for (BridgeStatus bridge : bridges) {
            rows.add(new String[] {bridge.name(), bridge.broker(), bridge.clientId(), bridge.connected() ? "yes" : "no",
                String.valueOf(bridge.queuedPackets()), String.valueOf(bridge.queuedBytes()), String.valueOf(bridge.sent()),
                String.valueOf(bridge.received()), String.valueOf(bridge.dropped()), String.valueOf(bridge.remoteNames()),
                String.valueOf(bridge.importersWaitedFor()), String.valueOf(bridge.importersGivenUp())});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                // Text columns to the left, counts to the right, as the other octopipes commands print them.
                String format = i < 4 ? "%-" + widths[i] + "s" : "%" + widths[i] + "s";
                text.append(i == 0 ? "" : "  ").append(String.format(format, row[i]));
            }
            text.append(System.lineSeparator());
        }
        return text.toString().stripTrailing();
    }
}
