package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.testsupport.NumberedStream;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The manual's update commands (docs/updates.md) typed into Karaf's shell while a client streams numbered packets to
 * another: {@code bundle:update} and {@code bundle:refresh} of the FIFO transport and of the router,
 * and the echo plugin installed and uninstalled in between. Every packet arrives once and in order,
 * and routing follows the policy before and after each swap. (Many updates in a row under traffic:
 * HotUpdateIT, in Felix.)
 *
 * <p>The clients live in {@link NumberedStream} and {@link EchoProbe}, so that this class names no
 * type of the client library, which Pax Exam would have to load before the feature installs it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotUpdateKarafIT extends KarafTestSupport {

    private static final String ECHO = "mvn:org.octopipes/org.octopipes.policy.echo/" + System.getProperty("octopipes.version");

    @Override
    protected List<Option> beforeInstall(Path run) {
        return fifosIn(run);
    }

    @Test
    public void bundleUpdatesAndPolicySwapsUnderTrafficLoseDuplicateAndReorderNothing() throws Exception {
        Path cap = run().resolve("cap.fifo");
        awaitTransportAt(cap);
        execute("feature:install octopipes-client");

        try (NumberedStream stream = NumberedStream.between(cap, PATIENCE);
                EchoProbe probe = EchoProbe.connect(cap, PATIENCE)) {
            assertFalse("spec does not echo", probe.aliceGetsHerOwnGroupPacket());
            // Once each: the commands are what Karaf adds; HotUpdateIT repeats the updates under traffic in Felix.
            update("org.octopipes.transport.fifo", cap, stream);
            execute("bundle:install -s " + ECHO);
            stream.awaitFlow();
            assertTrue("echo routes once installed", probe.aliceGetsHerOwnGroupPacket());

            update("org.octopipes.router", cap, stream);
            assertTrue("echo still routes after the router's update", probe.aliceGetsHerOwnGroupPacket());
            execute("bundle:uninstall org.octopipes.policy.echo");
            stream.awaitFlow();
            assertFalse("spec routes once echo is uninstalled", probe.aliceGetsHerOwnGroupPacket());

            long total = stream.stopAndCheck();
            System.out.println("HotUpdateKarafIT: seq-a sent " + total + " packets through a transport update, a router update and 2 policy swaps");
            assertTrue("the clients stayed subscribed", probe.bothOpen());
        }
    }

    /** The manual's two commands; the stream must go on through them. */
    private void update(String symbolicName, Path cap, NumberedStream stream) throws InterruptedException {
        execute("bundle:update " + symbolicName);
        execute("bundle:refresh " + symbolicName);
        await(symbolicName + " active again").atMost(PATIENCE).until(() -> bundle(symbolicName) != null && bundle(symbolicName).getState() == Bundle.ACTIVE);
        awaitTransportAt(cap);
        stream.awaitFlow();
        stream.assertCountedByTheServerOf(context, "after the update of " + symbolicName);
    }
}
