package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.octopipes.client.OctopipesClient;
import org.octopipes.testsupport.TestProcess;

/**
 * The server as users run it: the launcher jar in its own process, with clients in processes of
 * their own: the Java command line, and a Python client that uses the FIFOs the way the reference
 * C client does. Some clients live in this test's JVM, which is a process apart from the server's
 * too, where a test needs a client that misbehaves on purpose.
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
        // A small queue per client, so that a client that stops reading overflows it quickly.
        Path configuration = Files.writeString(run.resolve("server.properties"), "queue.bytes=65536\n");
        server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", clients.toString(), "--deploy", run.resolve("deploy").toString(), "--config", configuration.toString()));
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

    private static void awaitGone(String name) {
        await(name + "'s FIFOs deleted").atMost(TestProcess.PATIENCE)
                .until(() -> !Files.exists(clients.resolve(name + "_rx.fifo")) && !Files.exists(clients.resolve(name + "_tx.fifo")));
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

    @Test
    void clientsSubscribingAtTheSameMomentAllGetTheirOwnAssignment() throws Exception {
        List<TestProcess> members = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                String name = "swarm" + i;
                members.add(TestProcess.start("sub " + name, TestProcess.java(CLIENT, "sub", "--cap", cap.toString(),
                        "--name", name, "--groups", "swarm", "--count", "1")));
            }
            for (int i = 0; i < 6; i++) {
                awaitSubscribed("swarm" + i);
            }
            assertThat(send("queen", "swarm", "hello swarm").awaitExit()).isZero();
            for (TestProcess member : members) {
                assertThat(member.awaitExit()).as(member.toString()).isZero();
                assertThat(member.stdout()).containsExactly("queen -> swarm: hello swarm");
            }
        } finally {
            members.forEach(TestProcess::close);
        }
    }

    @Test
    void anAckComesBackToTheSenderThatAskedForIt() throws Exception {
        try (TestProcess receiver = sub("acker", null, 2)) {
            TestProcess java = send("asker", "--rck", "acker", "please ack");
            assertThat(java.awaitExit()).as(java.toString()).isZero();
            TestProcess python = referenceClient("pyasker", "--rck", "--send", "acker", "please ack too");
            assertThat(python.awaitExit()).as(python.toString()).isZero();
            assertThat(python.stdout()).contains("ACKED acker");
            assertThat(receiver.awaitExit()).isZero();
        }
    }

    @Test
    void aClientThatLeavesHasItsFifosDeletedAndItsNameFreed() throws Exception {
        try (TestProcess once = sub("leaver", null, 1)) {
            assertThat(send("poker", "leaver", "bye").awaitExit()).isZero();
            assertThat(once.awaitExit()).isZero();
        }
        awaitGone("leaver");
        try (TestProcess again = sub("leaver", null, 1)) {
            assertThat(send("poker", "leaver", "welcome back").awaitExit()).isZero();
            assertThat(again.awaitExit()).isZero();
        }
    }

    @Test
    void aClientKilledWithSigkillLeavesANameThatCanBeSubscribedAgain() throws Exception {
        TestProcess doomed = sub("phoenix", null, 1);
        Path rx = clients.resolve("phoenix_rx.fifo");
        await("phoenix opens its RX FIFO").atMost(TestProcess.PATIENCE).until(() -> doomed.holdsOpen(rx));
        doomed.close(); // SIGKILL: no UNSUBSCRIPTION, but the kernel closes its FIFOs

        // The name is taken over once the old subscription is 10 s old and no process holds its FIFOs.
        await("phoenix subscribes again").atMost(TestProcess.PATIENCE).pollInterval(java.time.Duration.ofSeconds(2))
                .until(() -> send("phoenix", "nobody", "back").awaitExit() == 0);
        awaitGone("phoenix");
    }

    @Test
    void garbageOnTheCapAndOnATxFifoHarmsNobody() throws Exception {
        write(cap, "garbage on the common access pipe".getBytes());
        try (OctopipesClient vandal = OctopipesClient.builder(cap).name("vandal").connect();
                TestProcess victim = sub("victim", null, 1)) {
            write(vandal.txPath(), new byte[] {0x01, 0x09, 0x7F, 0x00, 0x42});
            vandal.send("victim", "after the garbage".getBytes());
            assertThat(victim.awaitExit()).isZero();
            assertThat(victim.stdout()).containsExactly("vandal -> victim: after the garbage");
        }
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void aClientThatStopsReadingDoesNotHoldUpTheOthers() throws Exception {
        int count = 600;
        byte[] payload = "x".repeat(1024).getBytes();
        // The sleeper takes one packet and then never reads again: its FIFO (64 KiB) and its queue
        // on the server (64 KiB, see the server's configuration) fill up, and the rest is dropped.
        try (OctopipesClient sleeper = OctopipesClient.builder(cap).name("sleeper").groups("load").receiveQueueCapacity(1).connect();
                TestProcess fast = sub("fast", "load", count);
                OctopipesClient publisher = OctopipesClient.builder(cap).name("publisher").connect()) {
            for (int i = 1; i <= count; i++) {
                publisher.send("load", payload);
                if (i % 50 == 0) {
                    int sent = i;
                    await("fast reads packet " + sent).atMost(TestProcess.PATIENCE).until(() -> fast.stdout().size() >= sent);
                }
            }
            assertThat(fast.awaitExit()).as(fast.toString()).isZero();
            assertThat(fast.stdout()).hasSize(count);
            assertThat(sleeper.isOpen()).isTrue();
        }
        awaitGone("sleeper");
    }

    private static void write(Path fifo, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes));
        }
    }

}
