package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.octopipes.testsupport.TestProcess;

/**
 * The server process killed with SIGKILL: it cannot clean up, so its CAP and client FIFOs stay
 * behind. Its clients notice that it is gone, and the next server on the same paths removes what
 * was left and serves new clients, under the old names too.
 */
class ServerCrashIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path CLIENT = Path.of(System.getProperty("octopipes.client.jar"));

    @Test
    void aServerKilledWithSigkillIsReplacedByOneThatCleansUpAndServesTheOldNames() throws Exception {
        Path run = Files.createTempDirectory("octopipes-crash-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path cap = run.resolve("cap.fifo");
        Path clients = run.resolve("clients");
        Path rx = clients.resolve("survivor_rx.fifo");

        TestProcess first = startServer(run, cap, clients);
        try (TestProcess survivor = TestProcess.start("sub survivor", TestProcess.java(CLIENT, "sub", "--cap", cap.toString(),
                "--name", "survivor", "--count", "1"))) {
            await("survivor holds its RX FIFO").atMost(TestProcess.PATIENCE).until(() -> Files.exists(rx) && survivor.holdsOpen(rx));

            first.close(); // SIGKILL
            first.awaitExit();

            assertThat(cap).as("a killed server cannot remove its CAP").exists();
            assertThat(rx).as("nor its clients' FIFOs").exists();
            assertThat(survivor.awaitExit()).as("the client notices that its server is gone: " + survivor).isNotZero();
        }

        TestProcess second = startServer(run, cap, clients);
        try {
            assertThat(rx).as("the next server removes the stale FIFOs").doesNotExist();
            try (TestProcess again = TestProcess.start("sub survivor", TestProcess.java(CLIENT, "sub", "--cap", cap.toString(),
                    "--name", "survivor", "--count", "1"))) {
                await("survivor subscribed again").atMost(TestProcess.PATIENCE).until(() -> Files.exists(rx));
                TestProcess sender = TestProcess.start("send", TestProcess.java(CLIENT, "send", "--cap", cap.toString(),
                        "--name", "sender", "survivor", "after the crash"));
                assertThat(sender.awaitExit()).as(sender.toString()).isZero();
                assertThat(again.awaitExit()).as(again.toString()).isZero();
                assertThat(again.stdout()).containsExactly("sender -> survivor: after the crash");
            }
        } finally {
            assertThat(second.terminate()).as("exit status after SIGTERM").isZero();
        }
        assertThat(cap).doesNotExist();
    }

    private static TestProcess startServer(Path run, Path cap, Path clients) throws Exception {
        TestProcess server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", clients.toString(), "--deploy", run.resolve("deploy").toString()));
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");
        return server;
    }
}
