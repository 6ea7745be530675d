package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.testsupport.TestProcess;

/**
 * The launcher's Unix socket as processes find it: a server killed with SIGKILL leaves its socket
 * behind and the next one takes it over, a second server leaves a live one alone; each time the
 * Java command line, in processes of its own, carries a packet over the socket. (FIFO and socket
 * clients in every pairing, by name and group: BackpressureAcrossTransportsIT.)
 */
class UnixSocketProcessIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path CLIENT = Path.of(System.getProperty("octopipes.client.jar"));

    private Path run;
    private Path cap;
    private Path socket;
    private TestProcess server;

    @BeforeEach
    void startServer() throws IOException, InterruptedException {
        run = Files.createTempDirectory("octopipes-unix-e2e-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        // The launcher configures no socket: the socket transport puts it beside the CAP.
        socket = run.resolve("octopipes.sock");
        server = startLauncher("server");
    }

    private TestProcess startLauncher(String label) throws IOException, InterruptedException {
        TestProcess launcher = TestProcess.start(label, TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString()));
        launcher.awaitStdout(line -> line.endsWith("unix transport at " + socket), "that its socket is ready");
        launcher.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that its CAP is ready");
        return launcher;
    }

    @AfterEach
    void stopServer() throws InterruptedException, IOException {
        if (server.isAlive()) {
            assertThat(server.terminate()).as("exit status after SIGTERM").isZero();
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("the socket is removed at stop").isFalse();
        }
        Files.write(Path.of("target", "unix-socket-server.log"), server.stderr());
        try (java.util.stream.Stream<Path> files = Files.walk(run)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private TestProcess client(String label, String... arguments) throws IOException {
        return TestProcess.start(label, TestProcess.java(CLIENT, arguments));
    }

    private void awaitSubscribedOnTheSocket(TestProcess launcher, String name) {
        await(name + " subscribed on the socket").atMost(TestProcess.PATIENCE).until(() -> launcher.stderr().stream()
                .anyMatch(line -> line.contains("Client '" + name + "' subscribed on the Unix socket")));
    }

    /** One packet from one socket client process to another, through {@link #server}. */
    private void assertTheSocketCarries(String payload) throws Exception {
        try (TestProcess bob = client("sub bob", "sub", "--socket", socket.toString(), "--name", "bob", "--count", "1")) {
            awaitSubscribedOnTheSocket(server, "bob");
            try (TestProcess alice = client("send alice", "send", "--socket", socket.toString(), "--name", "alice", "bob", payload)) {
                assertThat(alice.awaitExit()).isZero();
            }
            assertThat(bob.awaitExit()).isZero();
            assertThat(bob.stdout()).containsExactly("alice -> bob: " + payload);
        }
    }

    @Test
    void aServerKilledWithSigkillLeavesItsSocketAndTheNextServerTakesItOver() throws Exception {
        server.close();
        await("the killed server is gone").atMost(TestProcess.PATIENCE).until(() -> !server.isAlive());
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("nobody removed the socket").isTrue();

        server = startLauncher("next server");

        await("the stale socket is reported").atMost(TestProcess.PATIENCE)
                .until(() -> server.stderr().stream().anyMatch(line -> line.contains("Removed the stale socket " + socket)));
        assertTheSocketCarries("after the crash");
    }

    @Test
    void aSecondServerOnTheSameFolderLeavesTheLiveSocketAlone() throws Exception {
        try (TestProcess second = TestProcess.start("second server", TestProcess.java(LAUNCHER, "--no-console",
                "--cap", run.resolve("other.fifo").toString(), "--clients", run.resolve("other-clients").toString(),
                "--deploy", run.resolve("deploy").toString()))) {
            await("the second server refuses the socket").atMost(TestProcess.PATIENCE)
                    .until(() -> second.stderr().stream().anyMatch(line -> line.contains("another server listens on " + socket)));
            second.terminate();
        }
        assertTheSocketCarries("still the first");
    }
}
