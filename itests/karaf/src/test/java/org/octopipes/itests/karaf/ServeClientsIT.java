package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.testsupport.TestProcess;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The server installed in Karaf serves client processes: two of them talk through it, the Karaf
 * shell lists a client and kicks it, and installing the client library leaves them undisturbed.
 *
 * <p>The configuration is in etc/org.octopipes.server.cfg before the feature is installed, as an
 * operator would have it, so the server starts once with it. (Where the feature writes the file
 * itself, Karaf adopts it a few seconds later and the server restarts once; see InstallFeaturesIT.)
 *
 * <p>The class names no type of ours in its fields or method signatures: Pax Exam reflects on it
 * before {@code installOctopipes()} has installed those types.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServeClientsIT extends KarafTestSupport {

    @Override
    protected List<Option> beforeInstall(Path run) {
        return fifosIn(run);
    }

    private static Path cap() {
        return run().resolve("cap.fifo");
    }

    private static Path clients() {
        return run().resolve("clients");
    }

    @Test
    public void twoClientProcessesTalkThroughTheServerInKaraf() throws Exception {
        awaitTransportAt(cap());
        try (TestProcess bob = ClientProcess.sub(cap(), "bob", 1)) {
            awaitSubscribed("bob", bob);
            try (TestProcess alice = ClientProcess.send(cap(), "alice", "bob", "hello from karaf")) {
                assertEquals(alice.toString(), 0, alice.awaitExit());
            }
            assertEquals(bob.toString(), 0, bob.awaitExit());
            assertEquals(List.of("alice -> bob: hello from karaf"), bob.stdout());
        }
    }

    @Test
    public void theKarafShellListsAClientAndKicksIt() throws Exception {
        awaitTransportAt(cap());
        try (TestProcess carol = ClientProcess.sub(cap(), "carol", 1)) {
            awaitSubscribed("carol", carol);
            assertTrue(Files.exists(clients().resolve("carol_rx.fifo")));

            assertEquals("kicked carol", execute("octopipes:kick carol").trim());

            await("carol's FIFOs deleted").atMost(PATIENCE)
                    .until(() -> !Files.exists(clients().resolve("carol_rx.fifo")) && !Files.exists(clients().resolve("carol_tx.fifo")));
            assertFalse(isListed("carol"));
            assertNotEquals("a kicked sub has lost its server: " + carol, 0, carol.awaitExit());
        }
        String refusal = executeFailing("octopipes:kick carol");
        assertTrue(refusal, refusal.contains("no client is subscribed as 'carol'"));

        // Kicked is not banned: the name can subscribe again.
        try (TestProcess again = ClientProcess.send(cap(), "carol", "nobody", "back again")) {
            assertEquals(again.toString(), 0, again.awaitExit());
        }
    }

    @Test
    public void theClientLibraryInstallsWithoutDisturbingTheClients() throws Exception {
        awaitTransportAt(cap());
        try (TestProcess dave = ClientProcess.sub(cap(), "dave", 1)) {
            awaitSubscribed("dave", dave);

            // The client bundle carries its own copy of the codec, for java -jar, behind a mandatory
            // attribute: no bundle wires to it, so installing it refreshes (restarts) nothing.
            execute("feature:install octopipes-client");
            assertActive("org.octopipes.client");

            try (TestProcess erin = ClientProcess.send(cap(), "erin", "dave", "still connected")) {
                assertEquals(erin.toString(), 0, erin.awaitExit());
            }
            assertEquals(dave.toString(), 0, dave.awaitExit());
            assertEquals(List.of("erin -> dave: still connected"), dave.stdout());
        }
    }

    /** A client is subscribed once {@code octopipes:clients} lists it. */
    private void awaitSubscribed(String name, TestProcess process) {
        await(name + " subscribed").atMost(PATIENCE).until(() -> isListed(name) || !process.isAlive());
        assertTrue(process + " is subscribed", isListed(name));
    }

    private boolean isListed(String name) {
        return execute("octopipes:clients").lines().anyMatch(line -> line.startsWith(name + " "));
    }
}
