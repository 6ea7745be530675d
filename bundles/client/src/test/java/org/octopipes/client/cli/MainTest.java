package org.octopipes.client.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.octopipes.client.FakeServer;
import org.octopipes.client.FakeServer.Answer;
import org.octopipes.client.FakeServer.Received;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MainTest {

    private static final Name ALICE = Name.of("alice");
    private static final Name BOB = Name.of("bob");

    @TempDir
    Path directory;

    private FakeServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = FakeServer.start(directory);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    /** One run of the command line in this JVM, with what it printed. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, in, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        return new Run(status, out.toString(UTF_8), err.toString(UTF_8));
    }

    private static Run run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    private String cap() {
        return server.cap().toString();
    }

    // --- send

    @Test
    void sendSendsThePayloadArgumentAndUnsubscribes() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);

        Run run = run("send", "--cap", cap(), "--name", "alice", "bob", "hello");

        assertThat(run.status()).as(run.err()).isZero();
        Received sent = server.link("alice").next();
        assertThat(sent.bytes()).isEqualTo(Packet.wrap(ALICE, BOB, Protocol.DEFAULT_MESSAGE_TTL, 0, ByteBuffer.wrap("hello".getBytes(UTF_8))).toBytes());
        assertThat(server.nextCapPacket().get(5, TimeUnit.SECONDS)).isEqualTo(CapMessage.Unsubscription.INSTANCE.toPacket(ALICE));
    }

    @Test
    void sendReadsThePayloadFromStandardInputByteForByte() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);
        byte[] payload = {0, 1, 2, '\n', (byte) 0xFF};

        Run run = run(new ByteArrayInputStream(payload), "send", "--cap=" + cap(), "--name=alice", "--ttl", "7", "bob");

        assertThat(run.status()).as(run.err()).isZero();
        Packet sent = server.link("alice").next().packet();
        assertThat(sent.payloadBytes()).isEqualTo(payload);
        assertThat(sent.ttl()).isEqualTo(7);
    }

    @Test
    void sendTakesAHexPayloadFromADash() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);

        Run run = run(new ByteArrayInputStream("de ad\nbe ef\n".getBytes(UTF_8)), "send", "--cap", cap(), "--name", "alice", "--hex", "bob", "-");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(server.link("alice").next().packet().payloadBytes()).isEqualTo(new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF});
    }

    @Test
    void sendWithRckExitsZeroWhenTheAckComes() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);
        CompletableFuture<Void> acknowledger = CompletableFuture.runAsync(() -> {
            try {
                await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> server.link("alice") != null);
                Packet question = server.link("alice").next().packet();
                server.link("alice").write(question.ack(BOB));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Run run = run("send", "--cap", cap(), "--name", "alice", "--rck", "bob", "are you there?");

        assertThat(run.status()).as(run.err()).isZero();
        acknowledger.get(5, TimeUnit.SECONDS);
    }

    @Test
    void sendWithRckExitsThreeWhenNoAckComes() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);

        Run run = run("send", "--cap", cap(), "--name", "alice", "--rck", "--timeout", "0.3", "bob", "anyone?");

        assertThat(run.status()).isEqualTo(3);
        assertThat(run.err()).contains("no ACK from 'bob'");
        assertThat(server.link("alice").next().packet().options()).isEqualTo(Protocol.OPTION_RCK);
    }

    @Test
    void aRefusedSubscriptionExitsOneWithTheReason() {
        server.answerNextSubscription(Answer.NAME_TAKEN);

        Run run = run("send", "--cap", cap(), "--name", "alice", "bob", "hello");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("'alice' is already taken");
    }

    // --- sub

    @Test
    void subPrintsOneLinePerPacketAndExitsAfterCount() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);
        CompletableFuture<Run> sub = CompletableFuture.supplyAsync(() -> run("sub", "--cap", cap(), "--name", "bob", "--groups", "g1,g2", "--count", "3"));
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> server.link("bob") != null);

        server.link("bob").write(message(ALICE, BOB, "hello"));
        server.link("bob").write(message(ALICE, Name.of("g2"), "two\nlines\\ and a tab\t"));
        server.link("bob").write(message(Name.of(new byte[] {'c', 0, 'x'}), BOB, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF}));

        Run run = sub.get(10, TimeUnit.SECONDS);
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly(
                "alice -> bob: hello",
                "alice -> g2: two\\x0alines\\x5c and a tab\\x09",
                "c\\x00x -> bob: ok\u00e9\\xff");
        assertThat(server.link("bob").groups()).containsExactly(Name.of("g1"), Name.of("g2"));
        assertThat(server.nextCapPacket().get(5, TimeUnit.SECONDS)).isEqualTo(CapMessage.Unsubscription.INSTANCE.toPacket(BOB));
    }

    @Test
    void subPrintsHexWithHex() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);
        CompletableFuture<Run> sub = CompletableFuture.supplyAsync(() -> run("sub", "--cap", cap(), "--name", "bob", "--hex", "--count", "1"));
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> server.link("bob") != null);

        server.link("bob").write(message(ALICE, BOB, new byte[] {0x00, 0x7F, (byte) 0xAB}));

        Run run = sub.get(10, TimeUnit.SECONDS);
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("alice -> bob: 007fab" + System.lineSeparator());
    }

    @Test
    void subExitsThreeWhenTheCountIsNotReachedInTime() throws Exception {
        server.answerNextSubscription(Answer.ASSIGN);
        CompletableFuture<Run> sub = CompletableFuture.supplyAsync(() -> run("sub", "--cap", cap(), "--name", "bob", "--count", "2", "--timeout", "0.5"));
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> server.link("bob") != null);
        server.link("bob").write(message(ALICE, BOB, "only one"));

        Run run = sub.get(10, TimeUnit.SECONDS);

        assertThat(run.status()).isEqualTo(3);
        assertThat(run.out().lines()).containsExactly("alice -> bob: only one");
        assertThat(run.err()).contains("1 of 2 packets");
    }

    @Test
    void subAndSendTalkThroughARoutingServer() throws Exception {
        server.routeBetweenClients();
        server.answerNextSubscription(Answer.ASSIGN);
        CompletableFuture<Run> sub = CompletableFuture.supplyAsync(() -> run("sub", "--cap", cap(), "--name", "bob", "--count", "1"));
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> server.link("bob") != null);
        // Only once bob has read its ASSIGNMENT may the server read the CAP again.
        await().atMost(Duration.ofSeconds(5)).until(() -> clientReaderRuns("bob"));
        server.answerNextSubscription(Answer.ASSIGN);

        Run send = run("send", "--cap", cap(), "--name", "alice", "--rck", "bob", "ping");

        assertThat(send.status()).as(send.err()).isZero();
        Run received = sub.get(10, TimeUnit.SECONDS);
        assertThat(received.status()).as(received.err()).isZero();
        assertThat(received.out().lines()).containsExactly("alice -> bob: ping");
    }

    // --- usage

    @Test
    void helpIsPrintedForTheJarAndEachCommand() {
        assertThat(run("--help")).satisfies(r -> {
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("sub", "send", "OCTOPIPES_CAP", "XDG_RUNTIME_DIR");
        });
        assertThat(run("sub", "--help")).satisfies(r -> {
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("--count N", "--groups", "--hex", "--timeout SECONDS");
        });
        assertThat(run("send", "-h")).satisfies(r -> {
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("--rck", "--ttl N", "REMOTE [PAYLOAD]");
        });
    }

    @Test
    void badArgumentsExitTwoWithOneLine() {
        String[][] mistakes = {
            {},
            {"publish"},
            {"sub", "--cap", cap()},
            {"sub", "--name", "bob", "--count", "0"},
            {"sub", "--name", "bob", "--timeout", "soon"},
            {"sub", "--name", "bob", "--groups", "g1,,g2"},
            {"sub", "--name", "bob", "extra"},
            {"sub", "--name", "bob", "--verbose"},
            {"sub", "--name"},
            {"send", "--name", "alice"},
            {"send", "--name", "alice", "--ttl", "256", "bob", "x"},
            {"send", "--name", "alice", "--hex", "bob", "xyz"},
            {"send", "--name", "alice", "--name", "eve", "bob", "x"},
            {"send", "--name", "", "bob", "x"},
            {"send", "--name", "alice", "--rck=yes", "bob", "x"},
            {"send", "--name", "alice", "bob", "x", "y"},
        };
        for (String[] args : mistakes) {
            Run run = run(args);
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err().lines()).as(String.join(" ", args)).hasSize(1);
            assertThat(run.out()).isEmpty();
        }
    }

    private static Packet message(Name origin, Name remote, String text) {
        return message(origin, remote, text.getBytes(UTF_8));
    }

    private static Packet message(Name origin, Name remote, byte[] payload) {
        return Packet.wrap(origin, remote, Protocol.DEFAULT_MESSAGE_TTL, 0, ByteBuffer.wrap(payload));
    }

    private static boolean clientReaderRuns(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("octopipes-client-" + name) && t.isAlive());
    }
}
