package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.TestProcess;

/**
 * fifo.splice.payloads with the launcher as its own process: large payloads reach every member
 * of a group whole and in order through the splicing path, and a writer process that dies in the
 * middle of a payload holds nobody else up. The transport's own rules (a damaged payload left to
 * its recipient, a lagging reader, a recipient with a queue) are tested on real FIFOs in
 * FifoServerSpliceTest; docs/RELIABILITY.md has both.
 */
class SplicedPayloadsIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int PAYLOAD = 100_000;

    private static Path run;
    private static Path cap;
    private static TestProcess server;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        run = Files.createTempDirectory("octopipes-splice-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        // 1 MiB FIFOs from the start: a packet is spliced only once all of it is in its TX FIFO.
        Path configuration = Files.writeString(run.resolve("server.properties"),
                "fifo.splice.payloads=true\nfifo.splice.min.payload=16384\nfifo.pipe.size=1048576\n");
        server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString(), "--config", configuration.toString()));
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");
    }

    @AfterAll
    static void stopServer() throws InterruptedException, IOException {
        int status = server.terminate();
        Files.write(Path.of("target", "SplicedPayloadsIT-server.log"), server.stderr());
        assertThat(status).as("exit status after SIGTERM").isZero();
        assertThat(server.stderr()).as("no failure of the transport in the log")
                .noneMatch(line -> line.contains("stopped serving") || line.startsWith("Exception in thread"));
        // What the transport says it spliced, when it stops: the path these tests are about was taken.
        Matcher spliced = Pattern.compile("(\\d+) packets spliced whole").matcher(String.join("\n", server.stderr()));
        assertThat(spliced.find()).as("the transport's count of spliced packets in its log").isTrue();
        assertThat(Long.parseLong(spliced.group(1))).isPositive();
    }

    @Test
    void largePayloadsReachEveryMemberOfAGroupWholeAndInOrder() throws Exception {
        try (OctopipesClient speaker = connect("speaker");
                OctopipesClient first = connect("first", "g");
                OctopipesClient second = connect("second", "g")) {
            for (int i = 0; i < 30; i++) {
                speaker.send("g", payload(i));
            }

            for (OctopipesClient member : List.of(first, second)) {
                for (int i = 0; i < 30; i++) {
                    Packet packet = member.receive(TIMEOUT);
                    assertThat(packet).as(member.name() + "'s packet " + i).isNotNull();
                    assertThat(packet.origin()).isEqualTo(Name.of("speaker"));
                    assertThat(packet.payloadBytes()).as(member.name() + "'s packet " + i).isEqualTo(payload(i));
                }
            }
        }
    }

    @Test
    void aWriterThatDiesInTheMiddleOfAPayloadHoldsUpNobodyElse() throws Exception {
        try (OctopipesClient dying = connect("dying");
                OctopipesClient speaker = connect("speaker2");
                OctopipesClient listener = connect("listener")) {
            // Large packets in a row, so that its headers are read alone, as the splicing path does.
            for (int i = 0; i < 3; i++) {
                dying.send("listener", payload(i));
                assertThat(listener.receive(TIMEOUT).payloadBytes()).isEqualTo(payload(i));
            }
            // Another process writes the header and half the payload of the next one to its TX FIFO, and ends.
            byte[] cut = Packet.builder().origin(Name.of("dying")).remote(Name.of("listener")).payload(payload(3)).build().toBytes();
            Path half = Files.write(run.resolve("half-a-packet"), Arrays.copyOf(cut, cut.length / 2));
            Process writer = new ProcessBuilder("sh", "-c", "cat \"$0\" > \"$1\"", half.toString(), dying.txPath().toString()).start();
            assertThat(writer.waitFor()).as("the writer's exit status").isZero();

            for (int i = 10; i < 15; i++) {
                speaker.send("listener", payload(i));
            }
            for (int i = 10; i < 15; i++) {
                Packet packet = listener.receive(TIMEOUT);
                assertThat(packet).as("the listener's packet " + i).isNotNull();
                assertThat(packet.origin()).isEqualTo(Name.of("speaker2"));
                assertThat(packet.payloadBytes()).isEqualTo(payload(i));
            }
        }
    }

    private static OctopipesClient connect(String name, String... groups) throws IOException {
        return OctopipesClient.builder(cap).name(name).groups(groups).subscribeTimeout(TIMEOUT).connect();
    }

    /** Bytes that differ from packet to packet and within one. */
    private static byte[] payload(int sequence) {
        byte[] bytes = new byte[PAYLOAD];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (sequence * 13 + i * 7 + (i >> 9));
        }
        return bytes;
    }
}
