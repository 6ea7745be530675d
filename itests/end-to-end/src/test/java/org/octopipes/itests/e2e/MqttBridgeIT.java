package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.Mosquitto;
import org.octopipes.testsupport.OctopipesConsolePage;
import org.octopipes.testsupport.TestProcess;

/**
 * Two servers, each its own launcher process with its own CAP, bridged through a real Mosquitto
 * on a free loopback port with its default limits, as two hosts would be: group packets cross
 * exactly once, an ACK comes back across, a burst far beyond what the broker queues per client
 * crosses whole (the bridges' credits), an importer that stops confirming or vanishes holds the
 * exporter up no longer than its timeout, and a broker stopped and started again mid-stream
 * loses nothing that fits in the bridge's buffer.
 */
class MqttBridgeIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path CLIENT = Path.of(System.getProperty("octopipes.client.jar"));
    /** The bridges' buffer.packets: more than the restart test buffers, small enough to overflow quickly. */
    private static final int BUFFER_PACKETS = 1000;
    /** How long a stream of 20,000 packets through the bridge may take. */
    private static final java.time.Duration STREAM_PATIENCE = java.time.Duration.ofMinutes(5);

    private Mosquitto broker;
    private Server serverA;
    private Server serverB;

    /** One launcher process, where its clients reach it, and its HTTP root (server A only, null elsewhere). */
    private record Server(TestProcess process, Path cap, String http) {
    }

    @BeforeEach
    void startBrokerAndServers() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Mosquitto.executable().isPresent(), Mosquitto.MISSING);
        Path brokerDir = privateFolder("octopipes-mqtt-broker-");
        // Persistence keeps the bridges' sessions and what is queued for them across the restart, as a production broker would.
        // Otherwise Mosquitto's defaults: at most 1,000 QoS 1 messages queued per client, the rest dropped at the broker,
        // which the bridges' credits keep every live importer below.
        broker = Mosquitto.start(brokerDir,
                "persistence true",
                "persistence_location " + brokerDir + "/");
        // A serves /metrics, to show the bridge from outside as Prometheus would see it.
        serverA = startServer("a", "--http", "0");
        serverB = startServer("b");
        for (Server server : List.of(serverA, serverB)) {
            awaitStderr(server.process(), "subscribed to");
            awaitStderr(server.process(), "to publish");
        }
        // Each exports what the other imports: each waits for the other's credits from here on.
        awaitStderr(serverA.process(), "-b' of");
        awaitStderr(serverB.process(), "-a' of");
    }

    @AfterEach
    void stopEverything(org.junit.jupiter.api.TestInfo test) throws InterruptedException, IOException {
        for (Server server : new Server[] {serverA, serverB}) {
            if (server != null) {
                int status = server.process().terminate();
                Files.write(Path.of("target", "mqtt-" + test.getTestMethod().orElseThrow().getName() + "-" + (server == serverA ? "a" : "b") + ".log"),
                        server.process().stderr());
                assertThat(status).as("exit status of " + server.process()).isZero();
            }
        }
        if (broker != null) {
            broker.terminate();
        }
    }

    @Test
    void aGroupPacketReachesEveryMemberOnBothServersExactlyOnce() throws Exception {
        try (OctopipesClient alice = client(serverA, "alice", "team");
                OctopipesClient carol = client(serverA, "carol", "team");
                OctopipesClient bob = client(serverB, "bob", "team")) {
            List<String> sent = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                sent.add("to the team " + i);
                alice.send("team", sent.get(i - 1).getBytes(StandardCharsets.UTF_8));
            }
            alice.send("team", "end".getBytes(StandardCharsets.UTF_8));
            for (OctopipesClient member : List.of(carol, bob)) {
                // In order, none twice: a duplicate would come before "end", which is sent last.
                assertThat(receiveTexts(member, 21)).as("what " + member.name() + " received").containsExactlyElementsOf(concat(sent, "end"));
            }

            // Bob answers alice by name: his server's bridge learnt that alice is across, from her packets.
            bob.send("alice", "hello alice, from B".getBytes(StandardCharsets.UTF_8));
            Packet reply = alice.receive(TestProcess.PATIENCE);
            assertThat(reply).as("a reply across the bridge, and not alice's own group packets").isNotNull();
            assertThat(reply.origin().toString()).isEqualTo("bob");
            assertThat(text(reply)).isEqualTo("hello alice, from B");
            assertThat(carol.receive(java.time.Duration.ZERO)).as("carol has nothing more").isNull();

            // The bridge as /metrics shows it, read from its MBean: connected, 21 packets published, 1
            // received, no importing server given up.
            String labels = "{bridge=\"a\",broker=\"" + broker.uri() + "\"}";
            await("server A's /metrics shows its bridge").atMost(TestProcess.PATIENCE)
                    .until(() -> OctopipesConsolePage.get(serverA.http(), "/metrics").body(),
                            metrics -> metrics.contains("octopipes_bridge_connected" + labels + " 1.0")
                                    && metrics.contains("octopipes_bridge_sent_total" + labels + " 21.0")
                                    && metrics.contains("octopipes_bridge_received_total" + labels + " 1.0")
                                    && metrics.contains("octopipes_bridge_importers_given_up_total" + labels + " 0.0"));
        }
    }

    @Test
    void withThreeServersNoBridgePassesOnWhatAnotherBridgeImported() throws Exception {
        Server serverC = startServer("c");
        try {
            awaitStderr(serverC.process(), "subscribed to");
            awaitStderr(serverC.process(), "to publish");
            try (OctopipesClient alice = client(serverA, "alice", "team");
                    OctopipesClient bob = client(serverB, "bob", "team");
                    OctopipesClient carol = client(serverC, "carol", "team")) {
                for (OctopipesClient sender : List.of(alice, carol)) {
                    List<String> sent = new ArrayList<>();
                    sendNumbered(sender, 1, 10, sent);
                    sender.send("team", "end".getBytes(StandardCharsets.UTF_8));
                    for (OctopipesClient member : List.of(alice, bob, carol)) {
                        if (member != sender) {
                            // Were B to export what it imported from A, C would get every packet twice, before "end".
                            assertThat(receiveTexts(member, 11)).as("what " + member.name() + " received from " + sender.name())
                                    .containsExactlyElementsOf(concat(sent, "end"));
                        }
                    }
                }
            }
        } finally {
            assertThat(serverC.process().terminate()).as("exit status of " + serverC.process()).isZero();
        }
    }

    @Test
    void anAckFromAMemberOnTheOtherServerComesBackToTheSender() throws Exception {
        try (OctopipesClient bob = client(serverB, "bob", "ops")) {
            // A real client process on A asks for an ACK from the group ops, whose only member is on B.
            TestProcess dave = TestProcess.start("dave", TestProcess.java(CLIENT, "send", "--cap", serverA.cap().toString(),
                    "--name", "dave", "--rck", "--timeout", "30", "ops", "are you there?"));
            Packet asked = bob.receive(TestProcess.PATIENCE);
            assertThat(asked).as("dave's packet on B").isNotNull();
            assertThat(asked.origin().toString()).isEqualTo("dave");
            assertThat(text(asked)).isEqualTo("are you there?");
            // Bob's client acknowledged it by itself; the ACK is addressed to dave, a client of server A.
            assertThat(dave.awaitExit()).as("dave's exit status: 0 once the ACK came back; " + dave).isZero();
        }
    }

    @Test
    void theBrokerStoppedAndStartedAgainMidStreamLosesNothingWithinTheBuffer() throws Exception {
        try (OctopipesClient alice = client(serverA, "alice", "team");
                OctopipesClient bob = client(serverB, "bob", "team")) {
            List<String> expected = new ArrayList<>();
            sendNumbered(alice, 1, 50, expected);
            assertThat(receiveTexts(bob, 50)).containsExactlyElementsOf(expected);

            assertThat(broker.terminate()).as("Mosquitto's exit status after SIGTERM").isZero();
            awaitStderr(serverA.process(), "cannot reach the broker");
            // Buffered by bridge A while there is no broker.
            sendNumbered(alice, 51, 150, expected);

            broker.restart();
            awaitStderr(serverA.process(), "reached the broker again");
            sendNumbered(alice, 151, 200, expected);
            alice.send("team", "end".getBytes(StandardCharsets.UTF_8));

            // Every packet once, in order; a duplicate or a gap would show before "end".
            assertThat(receiveTexts(bob, 151)).containsExactlyElementsOf(concat(expected.subList(50, 200), "end"));
        }
    }

    @Test
    void beyondItsBufferTheBridgeDropsCountsAndLogsAndLaterSendsTheRestInOrder() throws Exception {
        try (OctopipesClient alice = client(serverA, "alice", "team");
                OctopipesClient bob = client(serverB, "bob", "team")) {
            alice.send("team", "before".getBytes(StandardCharsets.UTF_8));
            assertThat(receiveTexts(bob, 1)).containsExactly("before");

            assertThat(broker.terminate()).as("Mosquitto's exit status after SIGTERM").isZero();
            awaitStderr(serverA.process(), "cannot reach the broker");
            List<String> expected = new ArrayList<>();
            sendNumbered(alice, 1, BUFFER_PACKETS + 10, expected);
            // The router counts and logs the overflow against the bridge's client.
            awaitStderr(serverA.process(), "for client 'mqtt-bridge.a': QUEUE_FULL");

            broker.restart();
            awaitStderr(serverA.process(), "reached the broker again");
            alice.send("team", "end".getBytes(StandardCharsets.UTF_8));
            assertThat(receiveTexts(bob, BUFFER_PACKETS + 1)).as("the packets that fitted, in order, then the next one")
                    .containsExactlyElementsOf(concat(expected.subList(0, BUFFER_PACKETS), "end"));
        }
    }

    /**
     * Alice writes 20,000 packets of 1 KiB as fast as she can; the bridge publishes slower than
     * that, through a buffer of 1,000 packets: without backpressure most would be dropped there
     * (before it, 10,261 of 20,000 arrived), with it every one arrives, in order.
     */
    @Test
    void aFastSenderWaitsForTheBridgeWhileTheBrokerIsThereAndNothingIsLost() throws Exception {
        streamAcross(BackpressureAcrossTransportsIT.PACKETS, BackpressureAcrossTransportsIT.PAYLOAD);
    }

    /** A burst of 100,000 small packets crosses whole, in order, exactly once, on connections that never drop. */
    @Test
    void aBurstOfAHundredThousandPacketsCrossesWholeInOrderOnceWithoutAReconnection() throws Exception {
        streamAcross(100_000, 32);
    }

    private void streamAcross(int packets, int payload) throws Exception {
        // One more than counted, so that a packet routed twice, the last counted one too, shows as
        // out of order before the stream ends. Bob on B reads as fast as he can.
        int stream = packets + 1;
        try (TestProcess bob = TestProcess.start("reader bob", StreamWorker.command("read", "fifo", serverB.cap().toString(), "bob",
                "team", String.valueOf(stream), "0", String.valueOf(stream)))) {
            bob.awaitStdout(line -> line.equals("READY"), "that it subscribed");
            try (TestProcess alice = TestProcess.start("sender alice", StreamWorker.command("send", "fifo", serverA.cap().toString(),
                    "alice", "team", String.valueOf(stream), String.valueOf(payload)))) {
                assertThat(alice.awaitExit(STREAM_PATIENCE)).as("alice's exit status: %s", alice).isZero();
                assertThat(bob.awaitExit(STREAM_PATIENCE)).as("bob's exit status: %s", bob).isZero();
                assertThat(bob.stdout()).as("every packet once, in order, across the bridge").contains("RECEIVED " + stream);
            }
        }
        for (Server server : List.of(serverA, serverB)) {
            assertThat(server.process().stderr()).as("no drop for want of room and no lost connection on %s", server.process())
                    .noneMatch(line -> line.contains("QUEUE_FULL") || line.contains("cannot reach the broker") || line.contains("lost its"));
            // Whole because the credits held A to B's pace, not because A gave B up and the broker happened to keep up.
            assertThat(server.process().stderr()).as("no importer given up on %s", server.process())
                    .noneMatch(line -> line.contains("confirmed nothing for"));
        }
    }

    /**
     * Server B stops (SIGSTOP) with its connections open: its bridge confirms nothing, and server
     * A waits for it only until the credit timeout, meanwhile holding alice up, then goes on for C.
     * Once B runs again and catches up, A waits for it again; once B is killed, its last will
     * tells A at once that it is gone.
     */
    @Test
    void anImporterThatStopsConfirmingOrVanishesHoldsTheExporterUpNoLongerThanItsTimeout() throws Exception {
        Server serverC = startServer("c");
        try {
            awaitStderr(serverC.process(), "to publish");
            awaitStderr(serverA.process(), "-c' of");
            try (OctopipesClient alice = client(serverA, "alice", "team");
                    OctopipesClient carol = client(serverC, "carol", "team")) {
                try (OctopipesClient bob = client(serverB, "bob", "team")) {
                    stopAndContinue(alice, bob, carol);
                }

                signal(serverB, "KILL");
                assertThat(serverB.process().awaitExit()).as("server B's exit status after SIGKILL").isEqualTo(128 + 9);
                serverB = null;
                awaitStderr(serverA.process(), "-b' is gone; no longer waited for");
                List<String> afterB = new ArrayList<>();
                sendNumbered(alice, 3001, 4200, afterB);
                alice.send("team", "the end".getBytes(StandardCharsets.UTF_8));
                assertThat(receiveTexts(carol, 1201)).containsExactlyElementsOf(concat(afterB, "the end"));
            }
            assertThat(serverA.process().stderr()).as("nothing dropped for want of room on A").noneMatch(line -> line.contains("QUEUE_FULL"));
        } finally {
            assertThat(serverC.process().terminate()).as("exit status of " + serverC.process()).isZero();
        }
    }

    /** B stops while alice sends to team: C gets everything once A has given B up; B, running again, is waited for again. */
    private void stopAndContinue(OctopipesClient alice, OctopipesClient bob, OctopipesClient carol) throws Exception {
        alice.send("team", "before".getBytes(StandardCharsets.UTF_8));
        assertThat(receiveTexts(bob, 1)).containsExactly("before");
        assertThat(receiveTexts(carol, 1)).containsExactly("before");

        signal(serverB, "STOP");
        // Far beyond the default window of 250 that A may run ahead of B, within A's buffer: nothing is dropped.
        List<String> whileStopped = new ArrayList<>();
        sendNumbered(alice, 1, 1000, whileStopped);
        alice.send("team", "end".getBytes(StandardCharsets.UTF_8));
        assertThat(receiveTexts(carol, 1001)).as("C, live, gets everything while B confirms nothing")
                .containsExactlyElementsOf(concat(whileStopped, "end"));
        awaitStderr(serverA.process(), "-b' confirmed nothing for 3000 ms: no longer waited for");

        signal(serverB, "CONT");
        // B routes what the broker kept for it (the broker dropped the rest, past its queue), confirms its marks and is within the window again.
        awaitStderr(serverA.process(), "-b' caught up; waited for again");
        List<String> after = new ArrayList<>();
        sendNumbered(alice, 2001, 2050, after);
        alice.send("team", "end again".getBytes(StandardCharsets.UTF_8));
        assertThat(receiveTextsUntil(bob, "end again", 1100)).as("what bob got last, after what the broker kept")
                .endsWith(concat(after, "end again").toArray(String[]::new));
        assertThat(receiveTexts(carol, 51)).containsExactlyElementsOf(concat(after, "end again"));
    }

    // ---- Helpers

    /** Sends {@code signal} (STOP, CONT, KILL) to a server's process, as an operator or a crash would. */
    private static void signal(Server server, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(server.process().pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %s", signal, server.process()).isZero();
    }

    /** Receives until a packet reads {@code last}, at most {@code most} packets; all of them, {@code last} included. */
    private static List<String> receiveTextsUntil(OctopipesClient client, String last, int most) throws Exception {
        List<String> texts = new ArrayList<>();
        while (texts.isEmpty() || !texts.get(texts.size() - 1).equals(last)) {
            assertThat(texts.size()).as(client.name() + " receives '" + last + "' within " + most + " packets").isLessThan(most);
            Packet packet = client.receive(TestProcess.PATIENCE);
            assertThat(packet).as(client.name() + " receives packet " + (texts.size() + 1) + " before '" + last + "'").isNotNull();
            texts.add(text(packet));
        }
        return texts;
    }

    /** A launcher whose deploy folder holds the bridge's factory configuration, as an operator would write it. */
    private Server startServer(String name, String... moreOptions) throws IOException, InterruptedException {
        Path run = privateFolder("octopipes-mqtt-" + name + "-");
        Path cap = run.resolve("cap.fifo");
        Path deploy = Files.createDirectory(run.resolve("deploy"));
        Files.writeString(deploy.resolve("org.octopipes.bridge.mqtt-" + name + ".cfg"), String.join("\n",
                "broker.uri = " + broker.uri(),
                "export.groups = team, ops",
                "import.groups = team, ops",
                "buffer.packets = " + BUFFER_PACKETS,
                // Short delays, so that the test does not wait for the default back-off.
                "reconnect.min.millis = 100",
                "reconnect.max.millis = 500",
                ""));
        List<String> options = new ArrayList<>(List.of("--no-console",
                "--cap", cap.toString(), "--clients", run.resolve("clients").toString(), "--deploy", deploy.toString()));
        options.addAll(List.of(moreOptions));
        TestProcess process = TestProcess.start("server " + name, TestProcess.java(LAUNCHER, options.toArray(String[]::new)));
        process.awaitStdout(line -> line.contains("fifo transport at " + cap), "that it is ready");
        String http = null;
        if (options.contains("--http")) {
            String ready = process.awaitStdout(line -> line.contains("ready: Web Console at "), "its Web Console's URL");
            http = ready.substring(ready.indexOf("http://"), ready.indexOf("/system/console/"));
        }
        return new Server(process, cap, http);
    }

    private static void awaitStderr(TestProcess process, String text) throws InterruptedException {
        process.awaitStderr(line -> line.contains(text), "'" + text + "'");
    }

    private static OctopipesClient client(Server server, String name, String group) throws IOException {
        return OctopipesClient.builder(server.cap()).name(name).groups(group).connect();
    }

    private static void sendNumbered(OctopipesClient sender, int from, int to, List<String> sent) throws IOException {
        for (int i = from; i <= to; i++) {
            String text = "packet " + i;
            sender.send("team", text.getBytes(StandardCharsets.UTF_8));
            sent.add(text);
        }
    }

    private static List<String> receiveTexts(OctopipesClient client, int count) throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Packet packet = client.receive(TestProcess.PATIENCE);
            assertThat(packet).as(client.name() + " receives packet " + (i + 1) + " of " + count + " after " + texts).isNotNull();
            texts.add(text(packet));
        }
        return texts;
    }

    private static List<String> concat(List<String> texts, String last) {
        List<String> all = new ArrayList<>(texts);
        all.add(last);
        return all;
    }

    private static String text(Packet packet) {
        return new String(packet.payloadBytes(), StandardCharsets.UTF_8);
    }

    private static Path privateFolder(String prefix) throws IOException {
        return Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
