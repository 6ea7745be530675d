package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.octopipes.client.Message;
import org.octopipes.client.OctopipesClient;
import org.octopipes.client.SubscriptionException;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.octopipes.testsupport.TestProcess;

/**
 * Hostile input against the launcher as its own process: garbage, truncated and oversized packets
 * on the CAP and on a TX FIFO, a DSZ of 2^63, the largest SUBSCRIPTION, names that must never become
 * paths, an UNSUBSCRIPTION from nobody, TTL 0 and a flood of the CAP. Each has a defined outcome
 * (refused with the protocol's error, or dropped, counted and logged), and after each the server
 * and two bystander clients, subscribed before everything else, still work ({@link #bystandersStillTalk}).
 * The raw bytes are written with FileChannel: the server keeps every FIFO open read-write, so an
 * open never blocks. The table of outcomes is docs/RELIABILITY.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path REFERENCE_CLIENT = Path.of(System.getProperty("octopipes.reference.client"));
    /** Generous: a reply nobody collects holds the CAP for up to 5 s, and clients queue behind it. */
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_PAYLOAD = 65536;

    private static Path run;
    private static Path cap;
    private static Path clients;
    private static TestProcess server;
    private static OctopipesClient speaker;
    private static OctopipesClient listener;
    private static final AtomicInteger ROUNDS = new AtomicInteger();

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        run = Files.createTempDirectory("octopipes-hostile-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        clients = run.resolve("clients");
        // No FIFO growth: the TTL test needs packets to wait in the server's queue behind the slow
        // client's 64 KiB FIFO, which growth would enlarge to hold them all (beyond any TTL check).
        Path configuration = Files.writeString(run.resolve("server.properties"), "max.payload=" + MAX_PAYLOAD + "\nfifo.pipe.budget=0\n");
        server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", clients.toString(), "--deploy", run.resolve("deploy").toString(), "--config", configuration.toString()));
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");
        speaker = connect("speaker");
        listener = connect("listener");
    }

    @AfterAll
    static void stopServer() throws InterruptedException, IOException {
        if (speaker != null) {
            speaker.close();
        }
        if (listener != null) {
            listener.close();
        }
        int status = server.terminate();
        // The server's log, for reading what it said about each input: target/HostileInputIT-server.log.
        Files.write(Path.of("target", "HostileInputIT-server.log"), server.stderr());
        assertThat(status).as("exit status after SIGTERM").isZero();
        assertThat(cap).as("the CAP is removed at stop").doesNotExist();
        assertThat(clients.toFile().list()).as("no client FIFO is left behind").isEmpty();
        assertThat(server.stderr()).as("no failure of the transport in the log")
                .noneMatch(line -> line.contains("stopped serving") || line.startsWith("Exception in thread"));
    }

    /** After every hostile input: the server is up and two clients that were there all along still talk. */
    @AfterEach
    void bystandersStillTalk() throws Exception {
        assertThat(server.isAlive()).as("the server process is alive").isTrue();
        String text = "still here " + ROUNDS.incrementAndGet();
        speaker.send("listener", text.getBytes(StandardCharsets.UTF_8));
        Packet packet = listener.receive(RECEIVE_TIMEOUT);
        assertThat(packet).as("the bystander's packet").isNotNull();
        assertThat(new String(packet.payloadBytes(), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    // ---- The CAP

    @Test
    @Order(1)
    void anUnsubscriptionFromAnUnknownNameIsCountedAndJamsNothing() throws Exception {
        write(cap, CapMessage.Unsubscription.INSTANCE.toPacket(Name.of("ghost")).toBytes());

        awaitLog("an UNSUBSCRIPTION from 'ghost', who is not subscribed");
        assertThat(server.stderr()).anyMatch(line -> line.contains("Dropped 1 packet(s)") && line.contains("UNHANDLED"));
        try (OctopipesClient after = connect("after-ghost")) {
            assertTalks(after);
        }
    }

    @Test
    @Order(2)
    void garbageOnTheCapIsDroppedAndCounted() throws Exception {
        write(cap, "garbage on the common access pipe, no packet at all".getBytes(StandardCharsets.UTF_8));
        write(cap, new byte[] {0x01, 0x07, 0x00, 0x7F, 0x02, 0x03});

        awaitLog("bytes on the CAP that are not a packet: BAD_SOH");
        try (OctopipesClient after = connect("after-cap-garbage")) {
            assertTalks(after);
        }
    }

    @Test
    @Order(3)
    void oversizedPacketsOnTheCapAreRefusedBeforeTheirPayload() throws Exception {
        // A DSZ of 2^63 (negative as a Java long) and one byte above the configured maximum: both
        // TOO_LARGE from the header alone; nothing is allocated or waited for.
        write(cap, header("big", "", 60, 1L << 63, 0));
        write(cap, header("big", "", 60, MAX_PAYLOAD + 1L, 0));
        write(cap, header("big", "", 60, -1L, 0));

        try (OctopipesClient after = connect("after-cap-oversized")) {
            assertTalks(after);
        }
    }

    @Test
    @Order(4)
    void aTruncatedHeaderOnTheCapDoesNotStopTheNextSubscription() throws Exception {
        // The first 9 bytes of a packet: its DSZ is still unknown, so the next writer's bytes complete
        // it into a packet that does not check out, and the decoder finds the next writer's packet.
        byte[] packet = CapMessage.Unsubscription.INSTANCE.toPacket(Name.of("abc")).toBytes();
        write(cap, Arrays.copyOf(packet, 9));

        try (OctopipesClient after = connect("after-cap-truncated")) {
            assertTalks(after);
        }
    }

    /**
     * A packet cut short on the CAP: its header announces 1000 payload bytes, 5 come. The next
     * client's SUBSCRIPTION then lies inside that announced length; the server gives up on the
     * part after half a second (clients write their requests at once) and finds the request in it.
     */
    @Test
    @Order(5)
    void aTruncatedPacketOnTheCapDoesNotStallTheNextSubscription() throws Exception {
        byte[] truncated = Arrays.copyOf(header("stall", "", 60, 1000, 0), 16 + 5 + 5);
        write(cap, truncated);

        try (OctopipesClient after = OctopipesClient.builder(cap).name("after-stall").subscribeTimeout(Duration.ofSeconds(5)).connect()) {
            assertTalks(after);
        }
    }

    // ---- A TX FIFO

    @Test
    @Order(10)
    void garbageOnATxFifoIsDroppedCountedAndLoggedAndTheNextPacketArrives() throws Exception {
        try (OctopipesClient vandal = connect("tx-garbage")) {
            write(vandal.txPath(), "no packet here".getBytes(StandardCharsets.UTF_8));
            vandal.send("listener", "after garbage".getBytes(StandardCharsets.UTF_8));

            assertThat(payloadOf(listener.receive(RECEIVE_TIMEOUT))).isEqualTo("after garbage");
            awaitLog("Dropped 1 packet(s) for client 'tx-garbage': MALFORMED (BAD_SOH)");
        }
    }

    @Test
    @Order(11)
    void oversizedPacketsOnATxFifoAreRefusedFromTheirHeader() throws Exception {
        try (OctopipesClient vandal = connect("tx-oversized")) {
            write(vandal.txPath(), header("tx-oversized", "listener", 60, 1L << 63, 0));
            vandal.send("listener", "after 2^63".getBytes(StandardCharsets.UTF_8));
            assertThat(payloadOf(listener.receive(RECEIVE_TIMEOUT))).isEqualTo("after 2^63");
            awaitLog("Dropped 1 packet(s) for client 'tx-oversized': MALFORMED (TOO_LARGE)");

            write(vandal.txPath(), header("tx-oversized", "listener", 60, MAX_PAYLOAD + 1L, 0));
            vandal.send("listener", "after max + 1".getBytes(StandardCharsets.UTF_8));
            assertThat(payloadOf(listener.receive(RECEIVE_TIMEOUT))).isEqualTo("after max + 1");
        }
    }

    @Test
    @Order(12)
    void aTruncatedPacketOnATxFifoIsDroppedAndTheStreamResyncs() throws Exception {
        try (OctopipesClient vandal = connect("tx-truncated")) {
            // A packet cut off 5 bytes into a 40-byte payload. The stream is a stream: the next
            // packet's bytes complete it, it fails its ETX check, and the decoder finds the next packet.
            byte[] whole = Packet.builder().origin(Name.of("tx-truncated")).remote(Name.of("listener"))
                    .payload(new byte[40]).build().toBytes();
            write(vandal.txPath(), Arrays.copyOf(whole, whole.length - 36));
            vandal.send("listener", "x".repeat(60).getBytes(StandardCharsets.UTF_8));

            assertThat(payloadOf(listener.receive(RECEIVE_TIMEOUT))).isEqualTo("x".repeat(60));
            awaitLog("Dropped 1 packet(s) for client 'tx-truncated': MALFORMED");
        }
    }

    @Test
    @Order(13)
    void aPacketWithTtl0IsDeliveredWithItsTtl() throws Exception {
        try (OctopipesClient sender = connect("ttl-zero")) {
            sender.send(Message.to("listener").payload("no deadline").ttl(0));

            Packet packet = listener.receive(RECEIVE_TIMEOUT);
            assertThat(payloadOf(packet)).isEqualTo("no deadline");
            assertThat(packet.ttl()).isZero();
        }
    }

    @Test
    @Order(14)
    void queuedPacketsWithTtl0OutliveTheirTtl1Neighbours() throws Exception {
        int fillers = 200;
        try (OctopipesClient slow = OctopipesClient.builder(cap).name("slow").receiveQueueCapacity(1)
                .subscribeTimeout(SUBSCRIBE_TIMEOUT).connect()) {
            // The slow client takes one packet and stops reading: 200 KiB fill its reader, its RX FIFO
            // (64 KiB) and then its queue on the server, where the packets below wait.
            for (int i = 0; i < fillers; i++) {
                speaker.send(Message.to("slow").payload(new byte[1024]).ttl(0));
            }
            for (int i = 0; i < 5; i++) {
                speaker.send(Message.to("slow").payload("mortal " + i).ttl(1));
            }
            for (int i = 0; i < 5; i++) {
                speaker.send(Message.to("slow").payload("immortal " + i).ttl(0));
            }
            awaitLog("for client 'slow': TTL_EXPIRED");

            List<String> small = new java.util.ArrayList<>();
            int large = 0;
            while (!small.contains("immortal 4")) {
                Packet packet = slow.receive(RECEIVE_TIMEOUT);
                assertThat(packet).as("a packet for the slow client; so far " + large + " fillers and " + small).isNotNull();
                assertThat(packet.ttl()).isZero();
                if (packet.payloadLength() == 1024) {
                    large++;
                } else {
                    small.add(payloadOf(packet));
                }
            }
            assertThat(large).as("every TTL 0 filler").isEqualTo(fillers);
            assertThat(small).as("the TTL 1 packets expired in the queue; the TTL 0 ones did not")
                    .containsExactly("immortal 0", "immortal 1", "immortal 2", "immortal 3", "immortal 4");
        }
    }

    /**
     * A client that writes packets claiming to come from another client, from a name nobody holds
     * and from the server: each goes nowhere, is counted FORGED_ORIGIN and logged with the name it
     * claimed and the name it is. Packets on one TX FIFO are routed in order, so the honest packet
     * arriving first shows that the forged ones before it reached nobody.
     */
    @Test
    @Order(15)
    void packetsWithAnotherClientsOriginAreDroppedCountedAndLogged() throws Exception {
        try (OctopipesClient forger = connect("forger")) {
            for (Name claimed : List.of(Name.of("speaker"), Name.of("nobody-at-all"), Name.SERVER)) {
                write(forger.txPath(), Packet.builder().origin(claimed).remote(Name.of("listener"))
                        .payload(("forged as " + claimed).getBytes(StandardCharsets.UTF_8)).build().toBytes());
            }
            forger.send("listener", "honest".getBytes(StandardCharsets.UTF_8));

            Packet packet = listener.receive(RECEIVE_TIMEOUT);
            assertThat(payloadOf(packet)).as("the first packet the listener gets from the forger's FIFO").isEqualTo("honest");
            assertThat(packet.origin()).isEqualTo(Name.of("forger"));
            awaitLog("Dropped 1 packet(s) for client 'forger': FORGED_ORIGIN (it claimed the origin 'speaker' but is 'forger')");
        }
    }

    /** The reference C client's NUL in its own origin, at the remote's length, is no forgery: delivered as it came. */
    @Test
    @Order(16)
    void theReferenceCClientsNulInItsOriginIsNotAForgery() throws Exception {
        try (TestProcess cClient = TestProcess.start("reference client", List.of("python3", REFERENCE_CLIENT.toString(),
                "--cap", cap.toString(), "--name", "c-client-bug", "--origin-nul-bug", "--send", "listener", "with a NUL"))) {
            Packet packet = listener.receive(RECEIVE_TIMEOUT);
            assertThat(payloadOf(packet)).isEqualTo("with a NUL");
            assertThat(packet.origin()).as("'c-client-bug' with a NUL for its '-' at index 8, the length of 'listener'")
                    .isEqualTo(Name.of("c-client\0bug"));
            assertThat(cClient.awaitExit()).as("the reference client's exit status; " + cClient).isZero();
        }
    }

    // ---- Subscriptions

    @Test
    @Order(20)
    void theLargestSubscriptionIsAcceptedAndEveryGroupWorks() throws Exception {
        Name[] groups = new Name[CapMessage.MAX_GROUPS];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = Name.of(String.format("group-%03d-", i) + "g".repeat(Protocol.MAX_NAME_LENGTH - 10));
        }
        assertThat(groups[254].length()).isEqualTo(255);
        try (OctopipesClient crowd = OctopipesClient.builder(cap).name("crowd").groups(groups).subscribeTimeout(SUBSCRIBE_TIMEOUT).connect()) {
            assertThat(Files.exists(crowd.rxPath())).isTrue();
            for (int i : new int[] {0, 137, 254}) {
                speaker.send(groups[i], ("to group " + i).getBytes(StandardCharsets.UTF_8));
                Packet packet = crowd.receive(RECEIVE_TIMEOUT);
                assertThat(payloadOf(packet)).isEqualTo("to group " + i);
                assertThat(packet.remote()).isEqualTo(groups[i]);
            }
        }
    }

    @Test
    @Order(21)
    void namesThatCouldBecomePathsAreRefusedWithError2() throws Exception {
        Set<String> before = listing(run);
        List<Name> hostile = List.of(
                Name.of("a/b"),
                Name.of("../escape"),
                Name.of(".."),
                Name.of("."),
                Name.of("nul\0inside"),
                Name.of("caf\u00e9"),
                Name.of(new byte[] {(byte) 0xFF, (byte) 0xFE}),
                Name.of("n".repeat(Protocol.MAX_NAME_LENGTH)));
        for (Name name : hostile) {
            assertThatThrownBy(() -> OctopipesClient.builder(cap).name(name).subscribeTimeout(SUBSCRIBE_TIMEOUT).connect())
                    .as(name.toString())
                    .isInstanceOfSatisfying(SubscriptionException.class,
                            e -> assertThat(e.reason()).isEqualTo(SubscriptionException.Reason.SERVER_FS_ERROR));
        }
        // 256 bytes cannot even travel: LNS is one byte, so no packet can carry such an origin.
        assertThatThrownBy(() -> Name.of("n".repeat(256))).isInstanceOf(IllegalArgumentException.class);

        assertThat(server.stderr().stream().filter(line -> line.contains("Refused a subscription"))).hasSizeGreaterThanOrEqualTo(hostile.size());
        assertThat(listing(run)).as("nothing new beside the CAP").isEqualTo(before);
        await("only the FIFOs of the clients that are here").atMost(TestProcess.PATIENCE).until(() -> listing(clients),
                files -> files.stream().allMatch(file -> file.startsWith("speaker_") || file.startsWith("listener_")));
    }

    // ---- A flood

    @Test
    @Order(30)
    void aCapFloodFromOneWriterIsAbsorbedAndTheNextSubscriptionSucceeds() throws Exception {
        int packets = 5000;
        try (FileChannel channel = FileChannel.open(cap, StandardOpenOption.WRITE)) {
            for (int i = 0; i < packets; i++) {
                byte[] bytes = i % 2 == 0
                        ? CapMessage.Unsubscription.INSTANCE.toPacket(Name.of("flood-" + i)).toBytes()
                        : ("garbage " + i).getBytes(StandardCharsets.UTF_8);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }
        try (OctopipesClient after = connect("after-flood")) {
            assertTalks(after);
        }
    }

    // ---- Helpers

    private static OctopipesClient connect(String name) throws IOException {
        return OctopipesClient.builder(cap).name(name).subscribeTimeout(SUBSCRIBE_TIMEOUT).connect();
    }

    /** A newly subscribed client sends to the listener and receives from the speaker. */
    private static void assertTalks(OctopipesClient client) throws Exception {
        client.send("listener", ("from " + client.name()).getBytes(StandardCharsets.UTF_8));
        assertThat(payloadOf(listener.receive(RECEIVE_TIMEOUT))).isEqualTo("from " + client.name());
        speaker.send(client.name(), "to newcomer".getBytes(StandardCharsets.UTF_8));
        assertThat(payloadOf(client.receive(RECEIVE_TIMEOUT))).isEqualTo("to newcomer");
    }

    private static String payloadOf(Packet packet) {
        assertThat(packet).as("a packet within " + RECEIVE_TIMEOUT).isNotNull();
        return new String(packet.payloadBytes(), StandardCharsets.UTF_8);
    }

    /** A packet's header up to and with STX, announcing {@code dsz} payload bytes, no checksum. */
    private static byte[] header(String origin, String remote, int ttl, long dsz, int options) {
        byte[] o = origin.getBytes(StandardCharsets.US_ASCII);
        byte[] r = remote.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(16 + o.length + r.length);
        out.put(Protocol.SOH).put((byte) Protocol.VERSION).put((byte) o.length).put(o).put((byte) r.length).put(r);
        out.put((byte) ttl).putLong(dsz).put((byte) options).put((byte) 0).put(Protocol.STX);
        return out.array();
    }

    private static void write(Path fifo, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private static void awaitLog(String text) {
        await("the server logs \"" + text + "\"").atMost(TestProcess.PATIENCE)
                .until(() -> server.stderr().stream().anyMatch(line -> line.contains(text)));
    }

    private static Set<String> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
