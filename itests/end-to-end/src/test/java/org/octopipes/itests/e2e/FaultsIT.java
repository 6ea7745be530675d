package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.octopipes.itests.e2e.Talk.assertTalk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.octopipes.client.DisconnectedException;
import org.octopipes.client.OctopipesClient;
import org.octopipes.client.SubscriptionException;
import org.octopipes.testsupport.TestProcess;

/**
 * Faults of the file system under a running server, the launcher in its own process: the clients'
 * folder deleted or replaced, and the disk full. The outcome each time: a subscription that cannot
 * get FIFOs is refused with ASSIGNMENT error 2 and the server logs why; clients whose FIFOs are still
 * there keep talking; and once the fault is gone the next subscription succeeds. A folder that is
 * simply gone is made again, owner-only, by the next subscription.
 */
class FaultsIT {

    @Test
    void theClientsFolderDeletedUnderARunningServer() throws Exception {
        Path run = LauncherServer.runFolder("octopipes-faults-");
        Path clients = run.resolve("clients");
        try (LauncherServer server = LauncherServer.start("FaultsIT-folder", run, clients, "");
                OctopipesClient alice = server.connect("alice");
                OctopipesClient bob = server.connect("bob")) {
            assertTalk(alice, bob, "before");

            deleteTree(clients);
            assertThat(clients).doesNotExist();
            // Their FIFOs are gone with the folder: the Java client takes that as being dropped
            // (a kick deletes them too), ends with an error that says so, and must subscribe again.
            for (OctopipesClient dropped : List.of(alice, bob)) {
                await(dropped.name() + " notices").atMost(TestProcess.PATIENCE).until(() -> !dropped.isOpen());
                assertThatThrownBy(() -> dropped.receive(Duration.ZERO)).isInstanceOf(DisconnectedException.class)
                        .hasMessageContaining("was deleted or replaced");
            }

            // The next subscription makes the folder again, owner-only, and gets its FIFOs.
            try (OctopipesClient carol = server.connect("carol");
                    OctopipesClient dave = server.connect("dave")) {
                server.awaitLog("Made the folder " + clients + " (mode 0700)");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(clients))).isEqualTo("rwx------");
                assertTalk(carol, dave, "after the folder came back");
                assertTalk(dave, carol, "and back");
                // The old names come back too: nobody holds their FIFOs, so once their subscriptions
                // are 10 s old the server lets a new SUBSCRIPTION take them over.
                try (OctopipesClient aliceAgain = await("alice subscribed again").atMost(TestProcess.PATIENCE)
                        .pollInterval(Duration.ofSeconds(1)).until(() -> connectOrNull(server, "alice"), client -> client != null)) {
                    server.awaitLog("'alice' subscribes while its earlier subscription's FIFOs are open in no process");
                    assertTalk(aliceAgain, carol, "alice is back");
                }
            }
            assertThat(server.stop()).as("exit status after SIGTERM").isZero();
            assertNoTransportFailure(server);
        }
        assertThat(clients.toFile().list()).as("no client FIFO is left behind").isEmpty();
    }

    @Test
    void theClientsFolderReplacedByAnUnsafeFolderOrAFile() throws Exception {
        Path run = LauncherServer.runFolder("octopipes-faults-");
        Path clients = run.resolve("clients");
        try (LauncherServer server = LauncherServer.start("FaultsIT-unsafe", run, clients, "")) {
            try (OctopipesClient alice = server.connect("alice");
                    OctopipesClient bob = server.connect("bob")) {
                // Everybody may write the folder now: refused with error 2, as at start; the clients
                // there keep their FIFOs and go on.
                Files.setPosixFilePermissions(clients, PosixFilePermissions.fromString("rwxrwxrwx"));
                assertRefusedWithError2(server, "while-unsafe");
                server.awaitLog("Refused a subscription as 'while-unsafe': its FIFOs could not be made in " + clients);
                server.awaitLog("other users can write there (mode 0777)");
                assertThat(clients.resolve("while-unsafe_rx.fifo")).doesNotExist();
                assertTalk(alice, bob, "the folder is unsafe, our FIFOs are there");
                // Fixed: the next subscription succeeds.
                Files.setPosixFilePermissions(clients, PosixFilePermissions.fromString("rwx------"));
                try (OctopipesClient carol = server.connect("while-unsafe")) {
                    assertTalk(carol, alice, "once the folder was fixed");
                }
            }
            for (String name : List.of("alice", "bob", "while-unsafe")) {
                awaitFifosGone(clients, name);
            }

            // A file where the folder was: refused, then served again once the file is gone.
            deleteTree(clients);
            Files.writeString(clients, "not a folder");
            assertRefusedWithError2(server, "while-a-file");
            server.awaitLog(clients + " is not a folder");
            Files.delete(clients);
            try (OctopipesClient erin = server.connect("while-a-file");
                    OctopipesClient frank = server.connect("frank")) {
                assertTalk(erin, frank, "once the file was gone");
            }
            assertThat(server.stop()).as("exit status after SIGTERM").isZero();
            assertNoTransportFailure(server);
        }
        assertThat(clients.toFile().list()).as("no client FIFO is left behind").isEmpty();
    }

    /**
     * A disk really full: the clients' folder is a tmpfs of 16 inodes (one is the folder), so
     * mkfifo(3) fails with ENOSPC once 7 clients have their two FIFOs. Needs root, to mount.
     */
    @Test
    void aFullDiskRefusesSubscriptionsUntilThereIsRoomAgain() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path run = LauncherServer.runFolder("octopipes-diskfull-");
        Path clients = Files.createDirectory(run.resolve("clients"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=16,mode=0700", "tmpfs", clients.toString()) == 0,
                "mount -t tmpfs failed");
        List<OctopipesClient> subscribed = new ArrayList<>();
        try (LauncherServer server = LauncherServer.start("FaultsIT-diskfull", run, clients, "")) {
            SubscriptionException refused = null;
            for (int i = 0; i < 16 && refused == null; i++) {
                try {
                    subscribed.add(server.connect("full-" + i));
                } catch (SubscriptionException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("a subscription refused once the disk is full").isNotNull();
            assertThat(refused.reason()).isEqualTo(SubscriptionException.Reason.SERVER_FS_ERROR);
            assertThat(subscribed).as("the clients that got FIFOs before").hasSize(7);
            server.awaitLog("Refused a subscription as 'full-7': its FIFOs could not be made in " + clients);
            server.awaitLog("No space left on device");
            assertThat(clients.resolve("full-7_tx.fifo")).as("the half made is taken back").doesNotExist();

            OctopipesClient first = subscribed.get(0);
            OctopipesClient last = subscribed.get(subscribed.size() - 1);
            assertTalk(first, last, "the disk is full, our FIFOs are there");
            assertTalk(last, first, "and back");

            // Room again: two clients leave, and the next subscription gets its FIFOs.
            for (OctopipesClient leaving : List.of(subscribed.remove(1), subscribed.remove(1))) {
                leaving.close();
                awaitFifosGone(clients, leaving.name().toString());
            }
            try (OctopipesClient again = server.connect("full-7")) {
                assertTalk(again, first, "once there was room");
                assertTalk(last, again, "to the newcomer");
            }

            for (OctopipesClient client : subscribed) {
                client.close();
            }
            subscribed.clear();
            assertThat(server.stop()).as("exit status after SIGTERM").isZero();
            assertThat(clients.toFile().list()).as("no client FIFO is left behind").isEmpty();
        } finally {
            for (OctopipesClient client : subscribed) {
                client.close();
            }
            assertThat(command("umount", "-l", clients.toString())).as("umount -l " + clients).isZero();
        }
    }

    private static OctopipesClient connectOrNull(LauncherServer server, String name) {
        try {
            return server.connect(name);
        } catch (IOException refused) {
            return null;
        }
    }

    private static void assertNoTransportFailure(LauncherServer server) {
        assertThat(server.process.stderr()).as("no failure of the transport in the log")
                .noneMatch(line -> line.contains("stopped serving") || line.startsWith("Exception in thread"));
    }

    private static void assertRefusedWithError2(LauncherServer server, String name) {
        assertThatThrownBy(() -> server.connect(name)).as(name)
                .isInstanceOfSatisfying(SubscriptionException.class,
                        e -> assertThat(e.reason()).isEqualTo(SubscriptionException.Reason.SERVER_FS_ERROR));
    }


    /** The server deletes a leaving client's FIFOs once it has read its UNSUBSCRIPTION. */
    private static void awaitFifosGone(Path clients, String name) {
        await(name + "'s FIFOs deleted").atMost(TestProcess.PATIENCE)
                .until(() -> !Files.exists(clients.resolve(name + "_rx.fifo")) && !Files.exists(clients.resolve(name + "_tx.fifo")));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static int command(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        return process.waitFor();
    }
}
