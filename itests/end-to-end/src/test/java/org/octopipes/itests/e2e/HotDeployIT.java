package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.TestProcess;

/**
 * Hot deploy as an operator does it: a routing plugin jar copied into the running launcher's
 * {@code --deploy} folder takes over routing while clients stay connected, and deleting it brings
 * the default policy back.
 */
class HotDeployIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path ECHO_PLUGIN = Path.of(System.getProperty("octopipes.policy.echo.jar"));

    private Path cap;
    private Path deploy;
    private TestProcess server;
    private final AtomicInteger probes = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException, InterruptedException {
        Path run = Files.createTempDirectory("octopipes-hot-deploy-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        deploy = Files.createDirectory(run.resolve("deploy"));
        server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", deploy.toString()));
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        assertThat(server.terminate()).as("exit status after SIGTERM").isZero();
    }

    @Test
    void anEchoPluginDroppedIntoDeployTakesOverAndDeletingItFallsBack() throws Exception {
        try (OctopipesClient alice = OctopipesClient.builder(cap).name("alice").groups("team").connect();
                OctopipesClient bob = OctopipesClient.builder(cap).name("bob").groups("team").connect()) {
            assertThat(aliceGetsHerOwnGroupPacket(alice, bob)).as("the default policy spec does not echo").isFalse();

            Path deployed = Files.copy(ECHO_PLUGIN, deploy.resolve(ECHO_PLUGIN.getFileName()));
            await("the launcher starts the plugin").atMost(TestProcess.PATIENCE)
                    .until(() -> server.stderr().stream().anyMatch(line -> line.contains("started org.octopipes.policy.echo")));
            // What the README says the log shows.
            server.awaitStderr(line -> line.endsWith("Routing policy now 'echo' (ranking 0), instead of 'spec' (ranking -1000): it ranks higher"),
                    "the change of policy");
            await("routing follows the echo policy").atMost(TestProcess.PATIENCE).until(() -> aliceGetsHerOwnGroupPacket(alice, bob));

            Files.delete(deployed);
            server.awaitStderr(line -> line.endsWith("Routing policy now 'spec' (ranking -1000), instead of 'echo' (ranking 0), which left or no "
                    + "longer matches policy.target"), "the fall back to spec");
            await("routing falls back to spec").atMost(TestProcess.PATIENCE).until(() -> !aliceGetsHerOwnGroupPacket(alice, bob));
            assertThat(alice.isOpen()).as("alice stayed subscribed throughout").isTrue();
            assertThat(bob.isOpen()).as("bob stayed subscribed throughout").isTrue();
        }
    }

    /**
     * Alice writes to her group; once bob has it, bob writes alice a marker. The echo policy put
     * alice's own copy in her queue before bob could see the packet, so it arrives before the marker;
     * under spec the marker is the next thing she reads.
     */
    private boolean aliceGetsHerOwnGroupPacket(OctopipesClient alice, OctopipesClient bob) throws Exception {
        String probe = "probe " + probes.incrementAndGet();
        alice.send("team", probe.getBytes(StandardCharsets.UTF_8));
        assertThat(text(bob.receive(TestProcess.PATIENCE))).isEqualTo(probe);
        String marker = "marker after " + probe;
        bob.send("alice", marker.getBytes(StandardCharsets.UTF_8));
        String next = text(alice.receive(TestProcess.PATIENCE));
        if (next.equals(marker)) {
            return false;
        }
        assertThat(next).isEqualTo(probe);
        assertThat(text(alice.receive(TestProcess.PATIENCE))).isEqualTo(marker);
        return true;
    }

    private static String text(Packet packet) {
        assertThat(packet).as("a packet within " + TestProcess.PATIENCE).isNotNull();
        return new String(packet.payloadBytes(), StandardCharsets.UTF_8);
    }
}
