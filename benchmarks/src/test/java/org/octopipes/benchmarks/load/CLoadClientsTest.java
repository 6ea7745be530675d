package org.octopipes.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;

/**
 * The C load clients (load_client.c), built with gcc as the harness builds them, in short real
 * exchanges: through the C relay, through a real launcher's CAP and its Unix socket, and fed
 * streams with a packet lost, duplicated, out of order or corrupted, each of which must fail the
 * subscriber, counted.
 */
class CLoadClientsTest {

    /** Origin "pub", remote "sub", a 32-byte payload: 17 + 3 + 3 + 32 bytes. */
    private static final int PACKET_SIZE = 55;
    private static final int PAYLOAD_AT = 22;

    @TempDir
    static Path binaries;
    static Path client;
    static Path relay;

    @TempDir
    Path folder;
    private final List<Process> started = new ArrayList<>();
    /** The launcher a test started, if any. */
    private Run launcher;

    @BeforeAll
    static void build() throws Exception {
        boolean gcc;
        try {
            gcc = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor() == 0;
        } catch (IOException missing) {
            gcc = false;
        }
        Assumptions.assumeTrue(gcc, "gcc is not installed (apt-get install gcc): the C load clients cannot be built, their tests are skipped");
        client = LoadHarness.compileC(Path.of("src/main/c/load_client.c"), binaries.resolve("load_client"));
        relay = LoadHarness.compileC(Path.of("src/main/c/fifo_relay.c"), binaries.resolve("fifo_relay"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : started) {
            // SIGTERM first: the launcher then removes its CAP and FIFOs as it would for a user.
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aPublisherReachesItsSubscriberThroughTheRelayWithEveryPacketInOrderAndIntact() throws Exception {
        Path in = mkfifo("pub_tx.fifo");
        Path out = mkfifo("sub_rx.fifo");
        start(relay.toString(), in + ":" + out).awaitLine("READY");
        Run subscriber = start(client.toString(), "sub", "--name", "sub", "--rx", out.toString(), "--count", "200000");
        subscriber.awaitLine("READY");
        Run publisher = start(client.toString(), "pub", "--name", "pub", "--to", "sub", "--tx", in.toString(), "--count", "200000",
                "--payload", "100");

        assertThat(publisher.awaitExit()).isZero();
        assertThat(publisher.output()).contains("SENT 200000 ");
        assertThat(subscriber.awaitExit()).as(subscriber.output()).isZero();
        assertThat(subscriber.output()).contains("received=200000 lost=0 reordered=0 ")
                .contains("duplicated=0 out_of_order=0 corrupted=0 cpu_s=");
    }

    @Test
    void everyMemberOfAGroupGetsEveryPacket() throws Exception {
        Path in = mkfifo("pub_tx.fifo");
        List<String> outs = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            outs.add(mkfifo("sub" + m + "_rx.fifo").toString());
        }
        start(relay.toString(), in + ":" + String.join(",", outs)).awaitLine("READY");
        Run subscribers = start(client.toString(), "sub", "--name", "sub", "--instances", "3", "--rx", String.join(",", outs),
                "--count", "50000");
        subscribers.awaitLine("READY");
        Run publisher = start(client.toString(), "pub", "--name", "pub", "--to", "load", "--tx", in.toString(), "--count", "50000");

        assertThat(publisher.awaitExit()).isZero();
        assertThat(subscribers.awaitExit()).as(subscribers.output()).isZero();
        assertThat(subscribers.output()).contains("received=150000 lost=0 reordered=0 ");
    }

    @Test
    void pingTimesEveryRoundTripThroughTheRelayAndWritesTheSamples() throws Exception {
        Path pingTx = mkfifo("ping_tx.fifo");
        Path pingRx = mkfifo("ping_rx.fifo");
        Path pongTx = mkfifo("pong_tx.fifo");
        Path pongRx = mkfifo("pong_rx.fifo");
        start(relay.toString(), pingTx + ":" + pongRx, pongTx + ":" + pingRx).awaitLine("READY");
        Run pong = start(client.toString(), "pong", "--name", "pong", "--tx", pongTx.toString(), "--rx", pongRx.toString(), "--count", "3000",
                "--warmup", "500");
        pong.awaitLine("READY");
        Path samples = folder.resolve("samples.bin");
        Run ping = start(client.toString(), "ping", "--name", "ping", "--to", "pong", "--tx", pingTx.toString(), "--rx", pingRx.toString(),
                "--count", "3000", "--warmup", "500", "--window", "4", "--samples", samples.toString());

        assertThat(ping.awaitExit()).as(ping.output()).isZero();
        assertThat(ping.output()).contains("RTT count=3000 missing=0 unexpected=0 ").contains("hist=-");
        assertThat(Files.size(samples)).isEqualTo(3000L * Long.BYTES);
        assertThat(pong.awaitExit()).isZero();
        assertThat(pong.output()).contains("ANSWERED 3500 ");
    }

    @Test
    void clientsSubscribeThroughARealLaunchersCap() throws Exception {
        Path cap = startLauncher("").resolve("cap.fifo");
        Run subscribers = start(client.toString(), "sub", "--cap", cap.toString(), "--name", "sub", "--instances", "2", "--groups", "load",
                "--count", "100000");
        subscribers.awaitLine("READY");
        Run publisher = start(client.toString(), "pub", "--cap", cap.toString(), "--name", "pub", "--to", "load", "--count", "100000");

        assertThat(publisher.awaitExit()).as(publisher.output()).isZero();
        assertThat(subscribers.awaitExit()).as(subscribers.output()).isZero();
        assertThat(subscribers.output()).contains("received=200000 lost=0 reordered=0 ").contains("corrupted=0");
    }

    @Test
    void clientsExchangeOverARealLaunchersUnixSocket() throws Exception {
        String socket = startLauncher("").resolve("octopipes.sock").toString();
        Run subscribers = start(client.toString(), "sub", "--socket", socket, "--name", "sub", "--instances", "2", "--groups", "load",
                "--count", "50000");
        subscribers.awaitLine("READY");
        // Packets of about 1 KiB: many of them cut across the socket's reads.
        Run publisher = start(client.toString(), "pub", "--socket", socket, "--name", "pub", "--to", "load", "--count", "50000",
                "--payload", "1000");

        assertThat(publisher.awaitExit()).as(publisher.output()).isZero();
        assertThat(subscribers.awaitExit()).as(subscribers.output()).isZero();
        assertThat(subscribers.output()).contains("received=100000 lost=0 reordered=0 ").contains("corrupted=0");

        Run pong = start(client.toString(), "pong", "--socket", socket, "--name", "pong", "--count", "3000", "--warmup", "500");
        pong.awaitLine("READY");
        Run ping = start(client.toString(), "ping", "--socket", socket, "--name", "ping", "--to", "pong", "--count", "3000",
                "--warmup", "500", "--window", "4", "--payload", "1000");

        assertThat(ping.awaitExit()).as(ping.output()).isZero();
        assertThat(ping.output()).contains("RTT count=3000 missing=0 unexpected=0 ");
        assertThat(pong.awaitExit()).as(pong.output()).isZero();
        assertThat(pong.output()).contains("ANSWERED 3500 ");
    }

    /**
     * A publisher on the socket whose stream has a packet twice and one altered behind a good
     * checksum, which the server passes on as any stream of valid packets: the C subscriber on the
     * socket catches both. And a second client under a name already taken is told so.
     */
    @Test
    void aStreamBrokenOnPurposeOverTheUnixSocketFailsTheSubscriber() throws Exception {
        List<byte[]> packets = publishedPackets(10);
        packets.add(5, packets.get(4));
        packets.get(8)[PAYLOAD_AT + 20] ^= 0x11;
        packets.get(8)[PAYLOAD_AT + 21] ^= 0x11;
        Path socket = startLauncher("").resolve("octopipes.sock");
        Run subscriber = start(client.toString(), "sub", "--socket", socket.toString(), "--name", "sub", "--count", "10", "--idle-ms", "3000");
        subscriber.awaitLine("READY");
        Run twin = start(client.toString(), "sub", "--socket", socket.toString(), "--name", "sub", "--count", "10");
        assertThat(twin.awaitExit()).isEqualTo(1);
        assertThat(twin.output()).contains("FAILED sub: subscribing sub: refused with error 1 (name already taken)");

        try (SocketChannel publisher = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            publisher.write(ByteBuffer.wrap(CapMessage.Subscription.of().toPacket(Name.of("pub")).toBytes()));
            // The server's first words to a client are its ASSIGNMENT, a packet of a few dozen bytes.
            ByteBuffer reply = ByteBuffer.allocate(512);
            Awaitility.await("the ASSIGNMENT").atMost(Duration.ofSeconds(10)).until(() -> {
                publisher.read(reply);
                return reply.position() > 0 && isWhole(reply);
            });
            ByteBuffer assignment = Packet.decode(Arrays.copyOf(reply.array(), reply.position())).payload();
            assertThat(assignment.get(0) & 0xFF).isEqualTo(0xFF);
            assertThat(assignment.get(1)).as("assignment error").isZero();
            for (byte[] packet : packets) {
                publisher.write(ByteBuffer.wrap(packet));
            }
            assertThat(subscriber.awaitExit()).as(subscriber.output()).isEqualTo(1);
        }
        assertThat(subscriber.output()).contains("FAILED sub: ").contains("received=11 lost=1 ", "duplicated=1 out_of_order=0 corrupted=1");
    }

    /**
     * A CAP that is open but that no server reads: the client reads back its own SUBSCRIPTION, puts
     * it back and waits again, and after 5 s says what it got instead of an assignment.
     */
    @Test
    void aSubscriptionTheServerDoesNotReadIsWrittenAgainThenReportedAsWhatCameBack() throws Exception {
        Path cap = mkfifo("cap.fifo");
        try (RandomAccessFile heldOpen = new RandomAccessFile(cap.toFile(), "rw")) {
            Run subscriber = start(client.toString(), "sub", "--cap", cap.toString(), "--name", "lonely", "--count", "1");

            assertThat(subscriber.awaitExit()).isEqualTo(1);
            assertThat(subscriber.output()).contains("lonely: the server had not read our SUBSCRIPTION yet; written again")
                    .contains("FAILED sub: subscribing lonely: the first packet on the CAP is not our assignment (from 'lonely' to '',"
                            + " payload of 2 bytes starting 0x01)");
        }
    }

    /** Whether {@code bytes} (up to their position) hold one whole packet. */
    private static boolean isWhole(ByteBuffer bytes) {
        try {
            Packet.decode(Arrays.copyOf(bytes.array(), bytes.position()));
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    @Test
    void largePayloadsSplicedByARealLauncherReachEveryMemberWholeAndInOrder() throws Exception {
        Path cap = startLauncher("fifo.splice.payloads=true\nfifo.splice.min.payload=16384\n").resolve("cap.fifo");
        Run subscribers = start(client.toString(), "sub", "--cap", cap.toString(), "--name", "sub", "--instances", "2", "--groups", "load",
                "--count", "4000");
        subscribers.awaitLine("READY");
        Run publisher = start(client.toString(), "pub", "--cap", cap.toString(), "--name", "pub", "--to", "load", "--count", "4000",
                "--payload", "65536");

        assertThat(publisher.awaitExit()).as(publisher.output()).isZero();
        assertThat(subscribers.awaitExit()).as(subscribers.output()).isZero();
        assertThat(subscribers.output()).contains("received=8000 lost=0 reordered=0 ").contains("corrupted=0");
        launcher.process().destroy();
        launcher.awaitExit();
        Matcher spliced = Pattern.compile("(\\d+) packets spliced whole").matcher(launcher.output());
        assertThat(spliced.find()).as(launcher.output()).isTrue();
        assertThat(Long.parseLong(spliced.group(1))).as("packets whose payload went TX to RX by splice and tee").isPositive();
    }

    /** The launcher, started as the README starts it, with {@code configuration} (properties) added; its folder (CAP, socket). */
    private Path startLauncher(String configuration) throws Exception {
        Path launcherJar = Path.of("../launcher/target/octopipes-launcher.jar").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(launcherJar), "no launcher jar at " + launcherJar
                + " (built by the reactor before this module): the exchange through a real server is skipped");
        Path cap = folder.resolve("cap.fifo");
        Path config = Files.writeString(folder.resolve("server.properties"), "queue.bytes=67108864\n" + configuration);
        ProcessBuilder server = new ProcessBuilder("sh", Path.of("../launcher/octopipes").toAbsolutePath().toString(), "--no-console",
                "--cap", cap.toString(), "--clients", folder.resolve("clients").toString(), "--deploy",
                Files.createDirectories(folder.resolve("deploy")).toString(), "--config", config.toString());
        server.environment().putAll(Map.of("JAVA_HOME", System.getProperty("java.home"), "OCTOPIPES_JAR", launcherJar.toString()));
        server.environment().remove("JAVA_OPTS");
        launcher = start(server);
        launcher.awaitLine("fifo transport at");
        launcher.awaitLine("unix transport at");
        return folder;
    }

    @Test
    void aLostPacketFailsTheSubscriber() throws Exception {
        List<byte[]> packets = publishedPackets(10);
        packets.remove(3);
        assertFailsWith(packets, "lost=1 ", "1 of 10 packets per subscriber lost");
    }

    @Test
    void aDuplicatedPacketFailsTheSubscriber() throws Exception {
        List<byte[]> packets = publishedPackets(10);
        packets.add(5, packets.get(4));
        assertFailsWith(packets, "duplicated=1 out_of_order=0 corrupted=0", "1 duplicated");
    }

    @Test
    void aPacketOutOfOrderFailsTheSubscriber() throws Exception {
        List<byte[]> packets = publishedPackets(10);
        packets.add(6, packets.remove(2));
        assertFailsWith(packets, "lost=0 ", "duplicated=0 out_of_order=1 corrupted=0");
    }

    @Test
    void aPacketWithABadChecksumFailsTheSubscriberAndTheNextOnesStillCount() throws Exception {
        List<byte[]> packets = publishedPackets(10);
        packets.get(5)[PAYLOAD_AT + 20] ^= 0x40;
        // Counted lost too: the corrupted packet is not taken as the one it claims to be.
        assertFailsWith(packets, "received=9 lost=1 ", "corrupted=1");
    }

    @Test
    void aPayloadAlteredBehindAGoodChecksumFailsTheSubscriber() throws Exception {
        List<byte[]> packets = publishedPackets(10);
        // Two bytes changed alike: the XOR checksum still holds, the payload does not.
        packets.get(7)[PAYLOAD_AT + 20] ^= 0x11;
        packets.get(7)[PAYLOAD_AT + 21] ^= 0x11;
        assertFailsWith(packets, "lost=1 ", "corrupted=1");
    }

    /** What the C publisher writes for {@code count} packets, cut into its packets. */
    private List<byte[]> publishedPackets(int count) throws Exception {
        Path file = Files.createFile(folder.resolve("published.bin"));
        Run publisher = start(client.toString(), "pub", "--name", "pub", "--to", "sub", "--tx", file.toString(), "--count",
                String.valueOf(count));
        assertThat(publisher.awaitExit()).isZero();
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(count * PACKET_SIZE);
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            packets.add(Arrays.copyOfRange(bytes, i * PACKET_SIZE, (i + 1) * PACKET_SIZE));
        }
        return packets;
    }

    /** Feeds {@code packets} to a subscriber of 10 and expects it to fail, saying {@code expected}. */
    private void assertFailsWith(List<byte[]> packets, String... expected) throws Exception {
        Path stream = folder.resolve("stream.bin");
        try (var out = Files.newOutputStream(stream)) {
            for (byte[] packet : packets) {
                out.write(packet);
            }
        }
        Run subscriber = start(client.toString(), "sub", "--name", "sub", "--rx", stream.toString(), "--count", "10");
        assertThat(subscriber.awaitExit()).as(subscriber.output()).isEqualTo(1);
        assertThat(subscriber.output()).contains("FAILED sub: ").contains(expected);
    }

    /**
     * Starts a real launcher, as the README does, with its CAP and Unix socket in this test's
     * folder, and returns the folder once both transports serve.
     */
    private Path mkfifo(String name) throws Exception {
        Path fifo = folder.resolve(name);
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        return fifo;
    }

    private Run start(String... command) throws IOException {
        return start(new ProcessBuilder(command));
    }

    private Run start(ProcessBuilder builder) throws IOException {
        Path output = Files.createTempFile(folder, "out", ".txt");
        Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        started.add(process);
        return new Run(process, output);
    }

    /** A started process whose output goes to a file, read as it grows. */
    private record Run(Process process, Path outputFile) {

        String output() throws IOException {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        }

        void awaitLine(String part) {
            Awaitility.await("'" + part + "' printed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                String printed = output();
                assertThat(process.isAlive() || printed.contains(part)).as("ended before printing '%s': %s", part, printed).isTrue();
                return printed.contains(part);
            });
        }

        int awaitExit() throws Exception {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("still running after 60 s: %s", output()).isTrue();
            return process.exitValue();
        }
    }
}
