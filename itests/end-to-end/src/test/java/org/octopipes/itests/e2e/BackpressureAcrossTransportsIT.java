package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.octopipes.testsupport.TestProcess;

/**
 * "A fast sender and a slower reader lose nothing", for every pair of transports: a sender process
 * writes 20,000 packets of 1 KiB as fast as it can to a reader process that keeps reading, at
 * about a third of that pace; every packet arrives, in order, and the sender had to wait for the
 * reader (it could not finish before the reader had taken all but what the pipes and queues
 * between them hold).
 */
class BackpressureAcrossTransportsIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    static final int PACKETS = 20_000;
    static final int PAYLOAD = 1024;
    /** The reader's pace: well under what the sender writes and the server moves. */
    static final long READ_BYTES_PER_SECOND = 5L * 1024 * 1024;
    /**
     * What may be between the sender's last write and the reader, in packets: the sender's TX FIFO
     * or socket buffer (up to 1 MiB), the server's high-water mark and a read, the recipient's RX
     * FIFO or socket buffers (up to 1 MiB), the client library's receive queue (1,024 packets).
     * Without backpressure the sender finished with the reader at about a quarter of the stream.
     */
    static final int IN_FLIGHT_AT_MOST = 6_000;

    private static Path run;
    private static Path cap;
    private static Path socket;
    private static TestProcess server;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        run = Files.createTempDirectory("octopipes-backpressure-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        socket = run.resolve("octopipes.sock");
        server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString()));
        server.awaitStdout(line -> line.endsWith("unix transport at " + socket), "that its socket is ready");
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that its CAP is ready");
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            assertThat(server.terminate()).as("exit status after SIGTERM").isZero();
        } finally {
            Files.write(Path.of("target", "backpressure-server.log"), server.stderr());
        }
        assertThat(server.stderr()).as("nothing was dropped for want of room").noneMatch(line -> line.contains("QUEUE_FULL"));
    }

    @ParameterizedTest(name = "{0} to {1}, to the {2}")
    @CsvSource({
        "fifo, fifo, name",
        "fifo, unix, name",
        "unix, fifo, name",
        "unix, unix, name",
        "fifo, unix, group",
        "unix, fifo, group"})
    void aFastSenderWaitsForASlowerReaderAndNothingIsLost(String senderTransport, String readerTransport, String addressedTo) throws Exception {
        String pair = senderTransport + "-" + readerTransport + "-" + addressedTo;
        String readerName = "reader-" + pair;
        String group = "group-" + pair;
        String remote = addressedTo.equals("group") ? group : readerName;
        try (TestProcess reader = TestProcess.start("reader " + pair, StreamWorker.command("read", readerTransport, address(readerTransport),
                readerName, addressedTo.equals("group") ? group : "-", String.valueOf(PACKETS), String.valueOf(READ_BYTES_PER_SECOND),
                String.valueOf(PACKETS - IN_FLIGHT_AT_MOST)))) {
            reader.awaitStdout(line -> line.equals("READY"), "that it subscribed");
            try (TestProcess sender = TestProcess.start("sender " + pair, StreamWorker.command("send", senderTransport,
                    address(senderTransport), "sender-" + pair, remote, String.valueOf(PACKETS), String.valueOf(PAYLOAD)))) {
                assertThat(sender.awaitExit()).as("the sender's exit status: %s", sender).isZero();
                assertThat(reader.awaitExit()).as("the reader's exit status: %s", reader).isZero();

                assertThat(reader.stdout()).as("every packet, in order").contains("RECEIVED " + PACKETS);
                long sentAt = nanos(sender.awaitStdout(line -> line.startsWith("SENT "), "that it sent everything"), 2);
                long markAt = nanos(reader.awaitStdout(line -> line.startsWith("MARK_REACHED "), "the mark"), 1);
                assertThat(sentAt).as("the sender's last write came after the reader had taken all but %d packets: it was paced",
                        IN_FLIGHT_AT_MOST).isGreaterThan(markAt);
            }
        }
    }

    private static String address(String transport) {
        return (transport.equals("unix") ? socket : cap).toString();
    }

    /** The monotonic clock reading in word {@code index} of a worker's line. */
    static long nanos(String line, int index) {
        return Long.parseLong(line.split(" ")[index]);
    }
}
