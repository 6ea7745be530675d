package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.testsupport.Mosquitto;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The MQTT bridge the Karaf way, as the manual (docs/bridge.md) tells it: {@code feature:install
 * octopipes-bridge-mqtt}, then a factory configuration in {@code etc/}; the bridge connects to a
 * real Mosquitto, shows in {@code octopipes:bridges} and joins the router as a client; when the
 * router is updated, the bridge follows it without reconnecting to the broker. (What crosses the
 * bridge is shown between two launcher processes, in MqttBridgeIT.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BridgeFeatureIT extends KarafTestSupport {

    @Override
    protected List<Option> beforeInstall(Path run) {
        return fifosIn(run);
    }

    @Test
    public void theFeatureAndAConfigurationInEtcConnectTheBridgeToARealBroker() throws Exception {
        assumeTrue(Mosquitto.MISSING, Mosquitto.executable().isPresent());
        Mosquitto broker = Mosquitto.start(run());
        Path cfg = Path.of(System.getProperty("karaf.etc"), "org.octopipes.bridge.mqtt-site.cfg");
        try {
            awaitTransportAt(run().resolve("cap.fifo"));

            execute("feature:install octopipes-bridge-mqtt");
            assertActive("org.eclipse.paho.client.mqttv3");
            assertActive("org.octopipes.bridge.mqtt");
            assertTrue(awaitCommand("octopipes:bridges"), awaitCommand("octopipes:bridges").contains("no MQTT bridge is configured"));

            Path next = Files.writeString(cfg.resolveSibling("bridge.next"), String.join("\n",
                    "broker.uri = " + broker.uri(),
                    "export.groups = team",
                    "import.groups = team",
                    ""));
            Files.move(next, cfg);

            await("octopipes:bridges shows bridge 'site' connected").atMost(PATIENCE)
                    .until(() -> awaitCommand("octopipes:bridges").lines().anyMatch(line -> line.startsWith("site ") && line.contains(" yes ")));
            await("the bridge is a client of the router").atMost(PATIENCE)
                    .until(() -> awaitCommand("octopipes:clients").lines().anyMatch(line -> line.startsWith("mqtt-bridge.site ")));

            // The router updated as the manual says: the bridge follows it as the transports do,
            // keeping its broker connections (Mosquitto logs every connection and disconnection).
            List<String> connectionsBefore = connectionLog(broker);
            Bundle router = bundle("org.octopipes.router");
            long routerBefore = router.getLastModified();
            execute("bundle:update org.octopipes.router");
            execute("bundle:refresh org.octopipes.router");
            await("the router is active again").atMost(PATIENCE).until(() -> bundle("org.octopipes.router").getState() == Bundle.ACTIVE
                    && bundle("org.octopipes.router").getLastModified() != routerBefore);
            await("the bridge is a client of the new router").atMost(PATIENCE)
                    .until(() -> awaitCommand("octopipes:clients").lines().anyMatch(line -> line.startsWith("mqtt-bridge.site ")));
            execute("octopipes:send team \"after the update\"");
            await("the bridge publishes what the new router routes to it").atMost(PATIENCE)
                    .until(() -> awaitCommand("octopipes:bridges").lines().anyMatch(line -> line.startsWith("site ") && sent(line) >= 1));
            assertEquals("no connection to the broker made or lost across the router's update", connectionsBefore, connectionLog(broker));
            assertTrue(awaitCommand("octopipes:bridges"), awaitCommand("octopipes:bridges").lines()
                    .anyMatch(line -> line.startsWith("site ") && line.contains(" yes ")));
        } finally {
            Files.deleteIfExists(cfg);
            broker.close();
        }
    }

    /** What Mosquitto logged about clients connecting and going. */
    private static List<String> connectionLog(Mosquitto broker) {
        return broker.process().stderr().stream()
                .filter(line -> line.contains("New client connected") || line.contains("disconnected") || line.contains("closed its connection"))
                .map(line -> line.replaceFirst("^\\d+: ", ""))
                .toList();
    }

    /** The SENT column of a row of {@code octopipes:bridges}. */
    private static long sent(String row) {
        String[] columns = row.trim().split(" +");
        return Long.parseLong(columns[6]);
    }
}
