package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
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
        Optional<Path> mosquitto = findMosquitto();
        assumeTrue("mosquitto is not installed (neither on PATH nor /usr/sbin/mosquitto); apt-get install mosquitto (.ci/run does)",
                mosquitto.isPresent());
        int port = freePort();
        Path conf = Files.writeString(run().resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                // Run as root (in CI), Mosquitto would otherwise switch to its own user.
                "user " + System.getProperty("user.name"),
                ""));
        Process broker = new ProcessBuilder(mosquitto.get().toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(run().resolve("mosquitto.log").toFile()).start();
        Path cfg = Path.of(System.getProperty("karaf.etc"), "org.octopipes.bridge.mqtt-site.cfg");
        try {
            await("Mosquitto listens on port " + port).atMost(PATIENCE).until(() -> accepts(port));
            awaitTransportAt(run().resolve("cap.fifo"));

            execute("feature:install octopipes-bridge-mqtt");
            assertActive("org.eclipse.paho.client.mqttv3");
            assertActive("org.octopipes.bridge.mqtt");
            assertTrue(awaitCommand("octopipes:bridges"), awaitCommand("octopipes:bridges").contains("no MQTT bridge is configured"));

            Path next = Files.writeString(cfg.resolveSibling("bridge.next"), String.join("\n",
                    "broker.uri = tcp://127.0.0.1:" + port,
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
            broker.destroy();
        }
    }

    private static Optional<Path> findMosquitto() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "mosquitto"));
        return Stream.concat(onPath, Stream.of(Path.of("/usr/sbin/mosquitto"))).filter(Files::isExecutable).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
