package org.octopipes.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.client.SubscriptionException.Reason;
import org.octopipes.client.cli.Main;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;

/** The client over a Unix socket, against a server that speaks the wire format on a real socket. */
@Timeout(30)
class SocketClientTest {

    private static final Name ALICE = Name.of("alice");
    private static final Name BOB = Name.of("bob");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    private Path socket;
    private FakeSocketServer server;

    @BeforeEach
    void makeFolder() throws Exception {
        Path run = Files.createDirectory(temp.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        socket = run.resolve("octopipes.sock");
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Packet packet(Name origin, Name remote, String payload, int options) {
        return Packet.wrap(origin, remote, Protocol.DEFAULT_MESSAGE_TTL, options, ByteBuffer.wrap(payload.getBytes(UTF_8)));
    }

    @Test
    void subscribesSendsAndReceivesOverOneConnection() throws Exception {
        // A packet that comes in the same read as the ASSIGNMENT must not be lost.
        server = FakeSocketServer.start(socket, AssignmentError.NONE, packet(BOB, ALICE, "right behind the answer", 0).toBytes());

        try (OctopipesClient alice = OctopipesClient.socketBuilder(socket).name("alice").groups("team").connect()) {
            assertThat(server.received.take()).isEqualTo(CapMessage.Subscription.of(Name.of("team")).toPacket(ALICE));
            assertThat(alice.txPath()).isEqualTo(socket);
            assertThat(alice.rxPath()).isEqualTo(socket);

            assertThat(alice.receive(WAIT).payloadBytes()).isEqualTo("right behind the answer".getBytes(UTF_8));
            server.send(packet(BOB, ALICE, "later", 0));
            assertThat(alice.receive(WAIT).payloadBytes()).isEqualTo("later".getBytes(UTF_8));
            alice.send("bob", "hello".getBytes(UTF_8));
            assertThat(server.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(packet(ALICE, BOB, "hello", 0));
        }
        assertThat(server.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CapMessage.Unsubscription.INSTANCE.toPacket(ALICE));
        await().atMost(WAIT).until(() -> server.clientClosed);
    }

    @Test
    void aPacketAskingForAnAckIsAcknowledgedOnTheSocket() throws Exception {
        server = FakeSocketServer.start(socket, AssignmentError.NONE, new byte[0]);
        try (OctopipesClient alice = OctopipesClient.socketBuilder(socket).name("alice").connect()) {
            server.received.take();
            Packet asking = packet(BOB, ALICE, "ack me", Protocol.OPTION_RCK);

            server.send(asking);

            assertThat(server.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(asking.ack(ALICE));
            assertThat(alice.receive(WAIT)).isEqualTo(asking);
        }
    }

    @Test
    void aTakenNameFailsTheConnect() throws Exception {
        server = FakeSocketServer.start(socket, AssignmentError.NAME_ALREADY_TAKEN, new byte[0]);

        assertThatThrownBy(() -> OctopipesClient.socketBuilder(socket).name("alice").connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NAME_TAKEN))
                .hasMessageContaining(socket.toString());
    }

    @Test
    void noSocketMeansNoServer() {
        assertThatThrownBy(() -> OctopipesClient.socketBuilder(socket).name("alice").connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_SERVER))
                .hasMessageContaining("no socket at " + socket);
    }

    @Test
    void aServerThatDoesNotAnswerTimesOut() throws Exception {
        // Listening without accepting: the connect succeeds, the answer never comes.
        try (var silent = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            silent.bind(java.net.UnixDomainSocketAddress.of(socket));

            assertThatThrownBy(() -> OctopipesClient.socketBuilder(socket).name("alice").subscribeTimeout(Duration.ofMillis(300)).connect())
                    .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_REPLY));
        }
    }

    @Test
    void aServerThatGoesAwayIsReportedOnce() throws Exception {
        server = FakeSocketServer.start(socket, AssignmentError.NONE, new byte[0]);
        CountDownLatch lost = new CountDownLatch(1);
        AtomicReference<DisconnectedException> reason = new AtomicReference<>();
        try (OctopipesClient alice = OctopipesClient.socketBuilder(socket).name("alice").onDisconnect(e -> {
            reason.set(e);
            lost.countDown();
        }).onMessage(packet -> { }).connect()) {
            server.received.take();

            server.dropClient();

            assertThat(lost.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(reason.get().isLost()).isTrue();
            assertThat(alice.isOpen()).isFalse();
            assertThatThrownBy(() -> alice.send("bob", new byte[0])).isInstanceOf(DisconnectedException.class);
        }
    }

    @Test
    void theCommandLineSendsThroughTheSocket() throws Exception {
        server = FakeSocketServer.start(socket, AssignmentError.NONE, new byte[0]);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Main.run(new String[] {"send", "--socket", socket.toString(), "--name", "alice", "bob", "hello"},
                InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));

        assertThat(status).as(err.toString(UTF_8)).isZero();
        assertThat(server.received.take().payloadBytes()[0]).isEqualTo((byte) CapMessage.OBJECT_SUBSCRIPTION);
        assertThat(server.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(packet(ALICE, BOB, "hello", 0));
    }

    @Test
    void theCommandLineRefusesCapAndSocketTogether() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Main.run(new String[] {"sub", "--socket", socket.toString(), "--cap", "/x/cap.fifo", "--name", "alice"},
                InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(UTF_8)).contains("--cap and --socket exclude each other");
    }

    @Test
    void theDefaultSocketIsBesideTheDefaultCap() {
        if (System.getenv(OctopipesClient.SOCKET_ENVIRONMENT_VARIABLE) == null) {
            assertThat(OctopipesClient.defaultSocketPath()).isEqualTo(OctopipesClient.defaultCapPath().resolveSibling("octopipes.sock"));
        }
    }
}
