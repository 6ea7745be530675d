package org.octopipes.transport.unix.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.api.DropReason;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.api.Credentials;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.octopipes.testsupport.TestLogger;
import org.octopipes.sessions.impl.SessionBook;
import org.octopipes.testsupport.TestRouter;

/** The Unix socket transport on real sockets in a private temporary folder, with the real sessions and a router in memory. */
// The peers read with blocking sockets: a server that never answers must fail the test, not hang it.
@Timeout(60)
class UnixServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    private final TestLogger log = new TestLogger();
    private final SessionBook sessions = new SessionBook(log.logger(), 1024, 255);
    private SessionRegistry.Routing routing = sessions.route(new TestRouter());
    private Path run;
    private Path socket;
    private UnixServer server;
    private final List<SocketPeer> peers = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        run = Files.createDirectory(temp.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        socket = run.resolve("octopipes.sock");
        server = start(new UnixSettings(socket, 0600, 64 * 1024, 64 * 1024, 16));
    }

    private UnixServer start(UnixSettings settings) throws IOException {
        UnixServer started = new UnixServer(settings, sessions, log.logger());
        started.start();
        return started;
    }

    @AfterEach
    void stopServer() throws IOException {
        for (SocketPeer peer : peers) {
            peer.close();
        }
        server.stop();
    }

    private SocketPeer connect(String name) throws IOException {
        SocketPeer peer = SocketPeer.connect(socket, name);
        peers.add(peer);
        return peer;
    }

    private SocketPeer subscribe(String name, String... groups) throws Exception {
        SocketPeer peer = connect(name);
        CapMessage.Assignment assignment = peer.subscribe(groups);
        assertThat(assignment.error()).isEqualTo(AssignmentError.NONE);
        peer.startReading();
        return peer;
    }

    private static String text(Packet packet) {
        return new String(packet.payloadBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theAssignmentNamesTheSocketForBothDirectionsAndTheSocketIsOwnerOnly() throws Exception {
        SocketPeer alice = connect("alice");

        CapMessage.Assignment assignment = alice.subscribe("team");

        assertThat(assignment.isSuccess()).isTrue();
        assertThat(new String(assignment.txPath(), StandardCharsets.UTF_8)).isEqualTo(socket.toString());
        assertThat(new String(assignment.rxPath(), StandardCharsets.UTF_8)).isEqualTo(socket.toString());
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(sessions.session(Name.of("alice")).orElseThrow().groups()).containsExactly(Name.of("team"));
        assertThat(server.clientCount()).isEqualTo(1);
    }

    @Test
    void theSessionKnowsWhoConnectedAsTheKernelTellsIt() throws Exception {
        // Others connected before, and one left: each connection is told apart by its descriptor.
        connect("early").subscribe();
        SocketPeer gone = connect("gone");
        gone.subscribe();
        gone.close();
        await().atMost(WAIT).until(() -> sessions.session(Name.of("gone")).isEmpty());
        connect("alice").subscribe();

        Credentials peer = sessions.session(Name.of("alice")).orElseThrow().credentials().orElseThrow();
        assertThat(peer.user()).isEqualTo(System.getProperty("user.name"));
        assertThat(peer.group()).isEqualTo(Files.readAttributes(temp, PosixFileAttributes.class).group().getName());
        assertThat(peer.pid()).as("the client, in this very process").isEqualTo(ProcessHandle.current().pid());
        assertThat(sessions.session(Name.of("alice")).orElseThrow().info().credentials()).contains(peer);
    }

    @Test
    void packetsFlowBothWaysAndToGroupsOverOneConnectionEach() throws Exception {
        SocketPeer alice = subscribe("alice", "team");
        SocketPeer bob = subscribe("bob", "team");
        SocketPeer carol = subscribe("carol");

        alice.send("bob", "hello bob");
        bob.send("alice", "hello alice");
        carol.send("team", "hello team");

        // Packets from different senders may come in any order.
        assertThat(List.of(text(bob.receive(WAIT)), text(bob.receive(WAIT)))).containsExactlyInAnyOrder("hello bob", "hello team");
        assertThat(List.of(text(alice.receive(WAIT)), text(alice.receive(WAIT)))).containsExactlyInAnyOrder("hello alice", "hello team");
        await().atMost(WAIT).until(() -> sessions.counters().delivered() == 4);
        assertThat(carol.received).isEmpty();
    }

    @Test
    void manyPacketsArriveWholeAndInOrder() throws Exception {
        SocketPeer alice = subscribe("alice");
        SocketPeer bob = subscribe("bob");
        int count = 5000;

        for (int i = 0; i < count; i++) {
            alice.send("bob", "packet " + i);
        }

        for (int i = 0; i < count; i++) {
            Packet packet = bob.receive(WAIT);
            assertThat(packet).as("packet %d", i).isNotNull();
            assertThat(text(packet)).isEqualTo("packet " + i);
        }
        await().atMost(WAIT).until(() -> sessions.counters().delivered() == count);
    }

    @Test
    void aTakenNameIsRefusedWithErrorOneAndTheConnectionEnds() throws Exception {
        subscribe("alice");
        SocketPeer second = connect("alice");

        CapMessage.Assignment assignment = second.subscribe();

        assertThat(assignment.error()).isEqualTo(AssignmentError.NAME_ALREADY_TAKEN);
        second.startReading();
        await().atMost(WAIT).until(second::ended);
        assertThat(server.clientCount()).isEqualTo(1);
    }

    @Test
    void aFirstPacketThatIsNoSubscriptionIsRefusedAndCounted() throws Exception {
        SocketPeer stranger = connect("stranger");
        stranger.send("bob", "hello");
        stranger.startReading();

        Packet reply = stranger.receive(WAIT);

        assertThat(CapMessage.parse(reply.payload())).isEqualTo(CapMessage.Assignment.failure(AssignmentError.FS));
        await().atMost(WAIT).until(stranger::ended);
        assertThat(sessions.counters().dropped(DropReason.MALFORMED) + sessions.counters().dropped(DropReason.UNHANDLED)).isEqualTo(1);
    }

    @Test
    void garbageIsCountedOnceAndTheNextPacketStillArrives() throws Exception {
        SocketPeer alice = subscribe("alice");
        SocketPeer bob = subscribe("bob");

        alice.write(new byte[] {0x42, 0x42, 0x01, 0x07, 0x00, (byte) 0xFF});
        alice.send("bob", "after the garbage");

        assertThat(text(bob.receive(WAIT))).isEqualTo("after the garbage");
        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.MALFORMED) == 1);
    }

    @Test
    void aHeaderAnnouncingAHugePayloadIsRefusedWithoutWaitingForIt() throws Exception {
        SocketPeer alice = subscribe("alice");
        SocketPeer bob = subscribe("bob");
        // SOH VER LNS "xy" RNS "zw" TTL, then a DSZ of 2^63: far beyond max.payload. (Names of two
        // bytes, so that no byte after the SOH looks like the start of a packet, which the decoder
        // would wait to see completed.)
        ByteBuffer header = ByteBuffer.allocate(19).put(new byte[] {0x01, 0x01, 2, 'x', 'y', 2, 'z', 'w', 0}).putLong(Long.MIN_VALUE)
                .put(new byte[] {0, 0});

        alice.write(header.array());
        alice.send("bob", "after the huge header");

        assertThat(text(bob.receive(WAIT))).isEqualTo("after the huge header");
        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.MALFORMED) == 1);
        assertThat(alice.ended()).isFalse();
    }

    @Test
    void aPacketCutShortByClosingIsCountedAndTheClientDetached() throws Exception {
        SocketPeer alice = subscribe("alice");
        subscribe("bob");
        byte[] whole = Packet.wrap(Name.of("alice"), Name.of("bob"), 0, 0, ByteBuffer.wrap(new byte[100])).toBytes();

        alice.write(java.util.Arrays.copyOf(whole, 40));
        alice.close();

        await().atMost(WAIT).until(() -> sessions.session(Name.of("alice")).isEmpty());
        assertThat(sessions.counters().dropped(DropReason.MALFORMED)).isEqualTo(1);
        assertThat(server.clientCount()).isEqualTo(1);
    }

    @Test
    void anUnsubscriptionDetachesAfterWhatCameBeforeIt() throws Exception {
        SocketPeer alice = subscribe("alice");
        SocketPeer bob = subscribe("bob");

        alice.send("bob", "last words");
        alice.send(CapMessage.Unsubscription.INSTANCE.toPacket(Name.of("alice")));

        assertThat(text(bob.receive(WAIT))).isEqualTo("last words");
        await().atMost(WAIT).until(alice::ended);
        assertThat(sessions.session(Name.of("alice"))).isEmpty();
        assertThat(server.clientCount()).isEqualTo(1);
    }

    @Test
    void aKickedClientIsDisconnected() throws Exception {
        SocketPeer alice = subscribe("alice");

        sessions.session(Name.of("alice")).orElseThrow().kick();

        await().atMost(WAIT).until(alice::ended);
        assertThat(server.clientCount()).isZero();
    }

    @Test
    void withoutARouterConnectionsStayAndWhatClientsWriteWaitsForTheNextRouter() throws Exception {
        SocketPeer alice = subscribe("alice", "team");
        SocketPeer bob = subscribe("bob", "team");
        // Management changed bob's groups since he subscribed: the next router must know.
        sessions.changeGroups(Name.of("bob"), Set.of(Name.of("team")), false);
        sessions.changeGroups(Name.of("bob"), Set.of(Name.of("ops")), true);

        routing.close();
        alice.send("ops", "written while no router was bound");
        alice.send("team", "nobody left in team");
        TestRouter next = new TestRouter();
        routing = sessions.route(next);

        assertThat(text(bob.receive(WAIT))).isEqualTo("written while no router was bound");
        assertThat(next.sessions.keySet()).containsExactlyInAnyOrder(Name.of("alice"), Name.of("bob"));
        assertThat(next.sessions.get(Name.of("bob")).groups()).containsExactly(Name.of("ops"));
        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.NO_RECIPIENT) == 1);
        assertThat(alice.ended()).isFalse();
        assertThat(bob.ended()).isFalse();
        assertThat(server.clientCount()).isEqualTo(2);
    }

    @Test
    void aStreamFlowsThroughManyRouterUpdatesWithNothingLostOrReordered() throws Exception {
        SocketPeer alice = subscribe("alice");
        SocketPeer bob = subscribe("bob");
        AtomicLong sent = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                while (sending.get()) {
                    long next = sent.get() + 1;
                    alice.send("bob", Long.toString(next));
                    sent.set(next);
                }
            } catch (IOException e) {
                if (sending.get()) {
                    failure.set(e);
                }
            }
        }, "alice-sending");
        sender.setDaemon(true);
        sender.start();
        long received = 0;
        try {
            // Each update comes while alice writes as fast as the server reads her: packets the
            // transport read after the router stopped wait in her session for the next one.
            for (int round = 0; round < 20; round++) {
                long target = sent.get() + 1;
                while (received < target) {
                    Packet packet = bob.receive(WAIT);
                    assertThat(packet).as("round " + round + ", after " + received + " of " + sent.get()).isNotNull();
                    assertThat(Long.parseLong(text(packet))).as("round " + round).isEqualTo(received + 1);
                    received++;
                }
                routing.close();
                routing = sessions.route(new TestRouter());
            }
        } finally {
            sending.set(false);
        }
        assertThat(failure.get()).isNull();
        assertThat(sessions.counters().droppedTotal()).isZero();
    }

    @Test
    void aClientThatLeavesWhileNoRouterIsBoundLeavesOnceARouterRoutesAgain() throws Exception {
        SocketPeer alice = subscribe("alice");
        routing.close();

        alice.close();
        routing = sessions.route(new TestRouter());

        // Nothing is read from a client held up, its end of the connection included: it is seen
        // once a router routes again, and the name is free then.
        await().atMost(WAIT).until(() -> server.clientCount() == 0);
        assertThat(sessions.session(Name.of("alice"))).isEmpty();
    }

    /** Sends {@code count} packets of 1000 bytes from a thread of its own, which may block while the server holds the sender up. */
    private static void sendAll(SocketPeer sender, String remote, int count, int ttl) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> sent = writer.submit(() -> {
                for (int i = 0; i < count; i++) {
                    sender.send(Packet.wrap(sender.name, Name.of(remote), ttl, 0, ByteBuffer.wrap(new byte[1000])));
                }
                return null;
            });
            sent.get(WAIT.toSeconds() * 3, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aSlowReaderLosesOnlyWhatDoesNotFitItsQueueAndEveryLossIsCounted() throws Exception {
        server.stop();
        server = start(new UnixSettings(socket, 0600, 64 * 1024, 16 * 1024, 16));
        SocketPeer sender = subscribe("sender");
        SocketPeer sleeper = connect("sleeper");
        assertThat(sleeper.subscribe().isSuccess()).isTrue();
        int count = 2000;

        // The sender waits while the sleeper holds it up, until the sleeper counts as a slow reader.
        sendAll(sender, "sleeper", count, Protocol.TTL_NO_DEADLINE);

        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.QUEUE_FULL) > 0);

        sleeper.startReading();
        await().atMost(WAIT).until(() -> sleeper.received.size() + sessions.counters().dropped(DropReason.QUEUE_FULL) == count);
        assertThat(sessions.counters().delivered()).isEqualTo(sleeper.received.size());
        assertThat(log.mentions("reads too slowly")).isTrue();
    }

    @Test
    void packetsPastTheirTtlAreDroppedAndEveryPacketIsAccountedFor() throws Exception {
        server.stop();
        server = start(new UnixSettings(socket, 0600, 64 * 1024, 4 * 1024 * 1024, 16));
        SocketPeer sender = subscribe("sender");
        SocketPeer sleeper = connect("sleeper");
        assertThat(sleeper.subscribe().isSuccess()).isTrue();
        int count = 2000;

        // TTL 1 s: what waits in the transport's queue longer than that, while the sleeper holds
        // the sender up for a second and then becomes a slow reader, is dropped.
        sendAll(sender, "sleeper", count, 1);

        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.TTL_EXPIRED) > 0);

        sleeper.startReading();
        await().atMost(WAIT).until(() -> sleeper.received.size() + sessions.counters().dropped(DropReason.TTL_EXPIRED)
                + sessions.counters().dropped(DropReason.QUEUE_FULL) == count);
        assertThat(sessions.counters().delivered()).isEqualTo(sleeper.received.size());
    }

    @Test
    void aStaleSocketIsReplacedButALiveServersIsNot() throws Exception {
        server.stop();
        assertThat(socket).doesNotExist();
        // A server that crashed leaves its socket file behind, with nobody listening.
        ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(socket));
        crashed.close();
        assertThat(socket).exists();

        server = start(new UnixSettings(socket, 0600, 1024, 1024, 4));
        subscribe("alice");

        UnixServer second = new UnixServer(new UnixSettings(socket, 0600, 1024, 1024, 4), sessions, log.logger());
        assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining("another server listens");
        assertThat(server.clientCount()).isEqualTo(1);
    }

    @Test
    void aFolderOthersCanWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        UnixServer refused = new UnixServer(new UnixSettings(open.resolve("s.sock"), 0600, 1024, 1024, 4), sessions, log.logger());

        assertThatThrownBy(refused::start).isInstanceOf(IOException.class).hasMessageContaining("other users can write there");
        assertThat(open.resolve("s.sock")).doesNotExist();
    }

    @Test
    void aMissingFolderIsMadeOwnerOnlyAndTheSocketGetsTheConfiguredMode() throws Exception {
        Path socket = temp.resolve("made").resolve("group.sock");
        UnixServer grouped = start(new UnixSettings(socket, 0660, 1024, 1024, 4));
        try {
            assertThat(Files.getPosixFilePermissions(socket.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        } finally {
            grouped.stop();
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void connectionsBeyondTheMaximumAreClosed() throws Exception {
        server.stop();
        server = start(new UnixSettings(socket, 0600, 1024, 1024, 1));
        subscribe("alice");
        SocketPeer extra = connect("extra");

        assertThatThrownBy(extra::subscribe).isInstanceOf(IOException.class);
        assertThat(log.mentions("max.connections")).isTrue();
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> new UnixSettings(Path.of("/tmp/" + "x".repeat(120)), 0600, 1, 1, 1))
                .hasMessageContaining("at most 107");
        assertThatThrownBy(() -> new UnixSettings(socket, 0400, 1, 1, 1)).hasMessageContaining("0600 at least");
        assertThatThrownBy(() -> UnixSettings.parseMode("rw")).hasMessageContaining("octal");
        assertThat(UnixSettings.defaultPath(Map.of("OCTOPIPES_SOCKET", "/x/y.sock"), "/srv/c/cap.fifo")).isEqualTo(Path.of("/x/y.sock"));
        assertThat(UnixSettings.defaultPath(Map.of("OCTOPIPES_CAP", "/srv/o/cap.fifo"), "/srv/c/cap.fifo")).isEqualTo(Path.of("/srv/c/octopipes.sock"));
        assertThat(UnixSettings.defaultPath(Map.of("XDG_RUNTIME_DIR", "/run/user/7"), "")).isEqualTo(Path.of("/run/user/7/octopipes/octopipes.sock"));
        assertThat(UnixSettings.defaultPath(Map.of("OCTOPIPES_CAP", "/srv/o/cap.fifo"), null)).isEqualTo(Path.of("/srv/o/octopipes.sock"));
    }
}
