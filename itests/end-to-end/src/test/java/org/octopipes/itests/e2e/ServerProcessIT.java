package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.octopipes.testsupport.TestProcess;

/**
 * The server as users run it: the launcher jar in its own process, with clients in processes of
 * their own: the Java command line, and a Python client that uses the FIFOs the way the reference
 * C client does. What clients that are killed, stop reading or write garbage do to the server is
 * proven in SoakIT, LimitsIT and HostileInputIT, each at the level that shows it best.
 */
class ServerProcessIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path CLIENT = Path.of(System.getProperty("octopipes.client.jar"));
    private static final Path REFERENCE_CLIENT = Path.of(System.getProperty("octopipes.reference.client"));

    private static Path run;
    private static Path cap;
    private static Path clients;
    private static TestProcess server;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        run = Files.createTempDirectory("octopipes-e2e-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        clients = run.resolve("clients");
        server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", clients.toString(), "--deploy", run.resolve("deploy").toString()));
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        assertThat(server.terminate()).as("exit status after SIGTERM").isZero();
        assertThat(cap).as("the CAP is removed at stop").doesNotExist();
        assertThat(clients.toFile().list()).as("no client FIFO is left behind").isEmpty();
    }

    private static TestProcess sub(String name, String groups, int count) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("sub", "--cap", cap.toString(), "--name", name, "--count", String.valueOf(count)));
        if (groups != null) {
            arguments.addAll(List.of("--groups", groups));
        }
        TestProcess process = TestProcess.start("sub " + name, TestProcess.java(CLIENT, arguments.toArray(new String[0])));
        awaitSubscribed(name);
        return process;
    }

    private static TestProcess send(String name, String... arguments) throws IOException {
        List<String> all = new ArrayList<>(List.of("send", "--cap", cap.toString(), "--name", name));
        all.addAll(List.of(arguments));
        return TestProcess.start("send " + name, TestProcess.java(CLIENT, all.toArray(new String[0])));
    }

    private static TestProcess referenceClient(String name, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", REFERENCE_CLIENT.toString(), "--cap", cap.toString(), "--name", name));
        command.addAll(List.of(arguments));
        return TestProcess.start("reference client " + name, command);
    }

    /** A client is subscribed once its RX FIFO exists: the server makes it just before it attaches the client. */
    private static void awaitSubscribed(String name) {
        await(name + " subscribed").atMost(TestProcess.PATIENCE).until(() -> Files.exists(clients.resolve(name + "_rx.fifo")));
    }

    @Test
    void aJavaClientSendsToAnotherByName() throws Exception {
        try (TestProcess bob = sub("bob", null, 1);
                TestProcess alice = send("alice", "bob", "hello bob")) {
            assertThat(alice.awaitExit()).isZero();
            assertThat(bob.awaitExit()).isZero();
            assertThat(bob.stdout()).containsExactly("alice -> bob: hello bob");
        }
    }

    @Test
    void aPacketToAGroupReachesEveryMemberButItsSender() throws Exception {
        try (TestProcess first = sub("member1", "crew", 1);
                TestProcess second = sub("member2", "crew", 1);
                TestProcess sender = referenceClient("captain", "--group", "crew", "--send", "crew", "all hands", "--expect", "0")) {
            assertThat(first.awaitExit()).isZero();
            assertThat(second.awaitExit()).isZero();
            assertThat(first.stdout()).containsExactly("captain -> crew: all hands");
            assertThat(second.stdout()).containsExactly("captain -> crew: all hands");
            assertThat(sender.awaitExit()).isZero();
            assertThat(sender.stdout()).as("the sender is in the group, but does not get its own packet")
                    .noneMatch(line -> line.startsWith("RECEIVED"));
        }
    }

    @Test
    void aReferenceStyleClientAndAJavaClientTalkBothWays() throws Exception {
        try (TestProcess python = referenceClient("snake", "--expect", "1", "--timeout", "30")) {
            python.awaitStdout(line -> line.startsWith("SUBSCRIBED"), "its assignment");
            try (TestProcess java = sub("bean", null, 1)) {
                // The send command subscribes too, so under a name of its own.
                assertThat(send("bean-sender", "snake", "from java").awaitExit()).isZero();
                python.awaitStdout(line -> line.equals("RECEIVED bean-sender snake 0 from java"), "the Java packet");
                try (TestProcess reply = referenceClient("snake2", "--send", "bean", "from python")) {
                    assertThat(reply.awaitExit()).isZero();
                }
                assertThat(java.awaitExit()).isZero();
                assertThat(java.stdout()).containsExactly("snake2 -> bean: from python");
            }
            assertThat(python.awaitExit()).isZero();
        }
    }

    @Test
    void aTakenNameIsRefusedAndTheHolderIsUntouched() throws Exception {
        try (TestProcess holder = sub("unique", null, 1)) {
            TestProcess java = send("unique", "nobody", "x");
            assertThat(java.awaitExit()).isNotZero();
            assertThat(String.join("\n", java.stderr())).containsIgnoringCase("taken");
            TestProcess python = referenceClient("unique");
            assertThat(python.awaitExit()).isEqualTo(1);
            assertThat(python.stdout()).contains("REFUSED 1");

            assertThat(send("other", "unique", "still here").awaitExit()).isZero();
            assertThat(holder.awaitExit()).isZero();
            assertThat(holder.stdout()).containsExactly("other -> unique: still here");
        }
    }
}
