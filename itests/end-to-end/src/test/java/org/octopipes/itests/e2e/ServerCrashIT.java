package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

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

        RunningProcess first = startServer(run, cap, clients);
        try (RunningProcess survivor = RunningProcess.start("sub survivor", RunningProcess.java(CLIENT, "sub", "--cap", cap.toString(),
                "--name", "survivor", "--count", "1"))) {
            await("survivor holds its RX FIFO").atMost(RunningProcess.PATIENCE).until(() -> Files.exists(rx) && survivor.holdsOpen(rx));

            first.close(); // SIGKILL
            first.awaitExit();

            assertThat(cap).as("a killed server cannot remove its CAP").exists();
            assertThat(rx).as("nor its clients' FIFOs").exists();
            assertThat(survivor.awaitExit()).as("the client notices that its server is gone: " + survivor).isNotZero();
        }

        RunningProcess second = startServer(run, cap, clients);
        try {
            assertThat(rx).as("the next server removes the stale FIFOs").doesNotExist();
            try (RunningProcess again = RunningProcess.start("sub survivor", RunningProcess.java(CLIENT, "sub", "--cap", cap.toString(),
                    "--name", "survivor", "--count", "1"))) {
                await("survivor subscribed again").atMost(RunningProcess.PATIENCE).until(() -> Files.exists(rx));
                RunningProcess sender = RunningProcess.start("send", RunningProcess.java(CLIENT, "send", "--cap", cap.toString(),
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

    private static RunningProcess startServer(Path run, Path cap, Path clients) throws Exception {
        RunningProcess server = RunningProcess.start("server", RunningProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", clients.toString(), "--deploy", run.resolve("deploy").toString()));
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");
        return server;
    }
}
