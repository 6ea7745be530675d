package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Hot deploy the Karaf way: a routing plugin jar copied into Karaf's own {@code deploy/} folder
 * takes over routing while two clients stay connected, {@code octopipes:policies} shows the switch,
 * and deleting the jar brings the default policy back.
 *
 * <p>The clients are the Java client library inside Karaf (feature {@code octopipes-client}); they
 * live in {@link EchoProbe}, so that this class names no type of ours that Pax Exam would have to
 * load before the feature is installed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployFolderIT extends KarafTestSupport {

    @Override
    protected List<Option> beforeInstall(Path run) {
        return fifosIn(run);
    }

    @Test
    public void anEchoPluginCopiedIntoKarafsDeployFolderTakesOverAndDeletingItFallsBack() throws Exception {
        Path cap = run().resolve("cap.fifo");
        awaitTransportAt(cap);
        execute("feature:install octopipes-client");
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path plugin = Path.of(System.getProperty("octopipes.policy.echo.jar"));

        try (EchoProbe probe = EchoProbe.connect(cap, PATIENCE)) {
            assertFalse("the default policy spec does not echo", probe.aliceGetsHerOwnGroupPacket());
            assertTrue(activePolicy(), activePolicy().startsWith("spec "));

            Path deployed = Files.copy(plugin, deploy.resolve(plugin.getFileName()));
            await("octopipes:policies shows echo active").atMost(PATIENCE).until(() -> activePolicy().startsWith("echo "));
            await("routing follows the echo policy").atMost(PATIENCE).until(probe::aliceGetsHerOwnGroupPacket);

            Files.delete(deployed);
            await("the plugin is uninstalled").atMost(PATIENCE).until(() -> bundle("org.octopipes.policy.echo") == null);
            assertTrue(activePolicy(), activePolicy().startsWith("spec "));
            assertFalse("routing is back to spec", probe.aliceGetsHerOwnGroupPacket());
            assertTrue("both clients stayed subscribed throughout", probe.bothOpen());
        }
    }

    /** The line of {@code octopipes:policies} whose ACTIVE column says yes. */
    private String activePolicy() {
        return awaitCommand("octopipes:policies").lines().filter(line -> line.trim().endsWith(" yes")).findFirst().orElse("none");
    }
}
