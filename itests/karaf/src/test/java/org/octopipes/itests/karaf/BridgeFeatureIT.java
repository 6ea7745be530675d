package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
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

/**
 * The MQTT bridge the Karaf way, as the README tells it: {@code feature:install
 * octopipes-bridge-mqtt}, then a factory configuration in {@code etc/}; the bridge connects to a
 * real Mosquitto, shows in {@code octopipes:bridges} and joins the router as a client. (What
 * crosses the bridge is shown between two launcher processes, in MqttBridgeIT.)
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
        } finally {
            Files.deleteIfExists(cfg);
            broker.close();
        }
    }
}
