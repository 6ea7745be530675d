package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * The feature octopipes-transport-unix in a stock Karaf beside the server: it puts its socket
 * beside the CAP, socket and FIFO client processes talk through the one router, and uninstalling
 * the feature leaves the FIFO clients connected.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UnixTransportFeatureIT extends KarafTestSupport {

    @Override
    protected List<Option> beforeInstall(Path run) {
        return fifosIn(run);
    }

    @Test
    public void socketAndFifoClientsTalkAndUninstallingTheFeatureLeavesTheFifoClients() throws Exception {
        Path cap = run().resolve("cap.fifo");
        Path socket = run().resolve("octopipes.sock");
        awaitTransportAt(cap);

        execute("feature:install octopipes-transport-unix");

        awaitTransportAt(socket);
        assertTrue("the feature writes its configuration file",
                Files.isRegularFile(Path.of(System.getProperty("karaf.etc"), "org.octopipes.transport.unix.cfg")));
        try (TestProcess kim = ClientProcess.run("sub kim", "sub", "--cap", cap.toString(), "--name", "kim", "--count", "2");
                TestProcess lou = ClientProcess.run("sub lou", "sub", "--socket", socket.toString(), "--name", "lou", "--count", "1")) {
            awaitListed("kim", "fifo");
            awaitListed("lou", "unix");
            // Who is on the other end, as the kernel told it: this user, and lou's process.
            String clients = execute("octopipes:clients");
            assertTrue(clients, clients.lines().anyMatch(line -> line.startsWith("lou ") && line.contains(" " + System.getProperty("user.name") + "/" + lou.pid() + " ")));
            assertTrue(clients, clients.lines().anyMatch(line -> line.startsWith("kim ") && line.contains(" fifo ") && line.contains(" - ")));

            try (TestProcess max = ClientProcess.run("send max", "send", "--socket", socket.toString(), "--name", "max", "kim", "over the socket")) {
                assertEquals(max.toString(), 0, max.awaitExit());
            }
            try (TestProcess ned = ClientProcess.send(cap, "ned", "lou", "over the FIFOs")) {
                assertEquals(ned.toString(), 0, ned.awaitExit());
            }
            assertEquals(lou.toString(), 0, lou.awaitExit());
            assertEquals(List.of("ned -> lou: over the FIFOs"), lou.stdout());

            execute("feature:uninstall octopipes-transport-unix");

            await("the socket removed").atMost(PATIENCE).until(() -> !Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
            try (TestProcess ona = ClientProcess.send(cap, "ona", "kim", "after the uninstall")) {
                assertEquals(ona.toString(), 0, ona.awaitExit());
            }
            assertEquals(kim.toString(), 0, kim.awaitExit());
            assertEquals(List.of("max -> kim: over the socket", "ona -> kim: after the uninstall"), kim.stdout());
        }
    }

    /** A client is subscribed once {@code octopipes:clients} lists it, with its transport. */
    private void awaitListed(String name, String transport) {
        await(name + " listed on " + transport).atMost(PATIENCE).until(() -> execute("octopipes:clients").lines()
                .anyMatch(line -> line.startsWith(name + " ") && line.contains(" " + transport + " ")));
    }
}
