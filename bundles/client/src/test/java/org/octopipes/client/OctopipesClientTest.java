package org.octopipes.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.client.FakeServer.Answer;
import org.octopipes.client.FakeServer.Link;
import org.octopipes.client.FakeServer.Received;
import org.octopipes.client.SubscriptionException.Reason;
import org.octopipes.codec.CapLocation;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;

@Timeout(30)
class OctopipesClientTest {

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

    private OctopipesClient.Builder alice() {
        return OctopipesClient.builder(server.cap()).name("alice");
    }

    private OctopipesClient connectAlice(OctopipesClient.Builder builder) throws Exception {
        CompletableFuture<Packet> request = server.answerNextSubscription(Answer.ASSIGN);
        OctopipesClient client = builder.connect();
        request.get(5, TimeUnit.SECONDS);
        return client;
    }

    // --- subscribing

    @Test
    void subscribesWithItsNameAndGroupsAndOpensTheAssignedFifos() throws Exception {
        CompletableFuture<Packet> request = server.answerNextSubscription(Answer.ASSIGN);

        try (OctopipesClient client = alice().groups("g1", "g2").connect()) {
            Packet subscription = request.get(5, TimeUnit.SECONDS);
            assertThat(subscription).isEqualTo(new CapMessage.Subscription(List.of(Name.of("g1"), Name.of("g2"))).toPacket(ALICE));
            assertThat(client.isOpen()).isTrue();
            assertThat(client.name()).isEqualTo(ALICE);
            assertThat(client.groups()).containsExactly(Name.of("g1"), Name.of("g2"));
            assertThat(client.txPath()).isEqualTo(server.link("alice").tx());
            assertThat(client.rxPath()).isEqualTo(server.link("alice").rx());
        }
    }

    @Test
    void aTakenNameIsRefusedInTheFourByteForm() {
        server.answerNextSubscription(Answer.NAME_TAKEN);

        assertThatThrownBy(() -> alice().connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NAME_TAKEN))
                .hasMessageContaining("'alice' is already taken").hasMessageContaining(server.cap().toString());
    }

    @Test
    void aTakenNameIsRefusedInTheTwoByteForm() {
        server.answerNextSubscription(Answer.NAME_TAKEN_SHORT);

        assertThatThrownBy(() -> alice().connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NAME_TAKEN))
                .hasMessageContaining("already taken");
    }

    @Test
    void aServerThatCannotMakeTheFifosIsReported() {
        server.answerNextSubscription(Answer.FS_ERROR);

        assertThatThrownBy(() -> alice().connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SERVER_FS_ERROR))
                .hasMessageContaining("could not create the FIFOs for 'alice'");
    }

    @Test
    void aServerThatDoesNotAnswerTimesOut() throws Exception {
        CompletableFuture<Packet> request = server.answerNextSubscription(Answer.SILENT);
        long start = System.nanoTime();

        assertThatThrownBy(() -> alice().subscribeTimeout(Duration.ofMillis(400)).connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_REPLY))
                .hasMessageContaining("no reply on the CAP " + server.cap()).hasMessageContaining("400 ms");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(request.get(5, TimeUnit.SECONDS).origin()).isEqualTo(ALICE);
    }

    @Test
    void aReplyForAnotherClientIsPutBackForItsOwnerAndTheWaitGoesOn() throws Exception {
        CompletableFuture<Packet> answered = server.answerNextSubscription(Answer.FOR_SOMEBODY_ELSE);
        CompletableFuture<OctopipesClient> connecting = CompletableFuture.supplyAsync(() -> {
            try {
                return alice().subscribeTimeout(Duration.ofSeconds(2)).connect();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });

        answered.get(10, TimeUnit.SECONDS);
        Packet putBack = server.nextCapPacket().get(10, TimeUnit.SECONDS);

        assertThat(putBack.origin().isServer()).isTrue();
        assertThat(putBack.remote()).isEqualTo(Name.of("mallory"));
        assertThatThrownBy(connecting::join).hasCauseInstanceOf(SubscriptionException.class)
                .satisfies(e -> assertThat(((SubscriptionException) e.getCause()).reason()).isEqualTo(Reason.NO_REPLY));
    }

    @Test
    void aCapThatNobodyHoldsOpenMeansNoServer() throws Exception {
        Path abandoned = directory.resolve("abandoned-cap.fifo");
        FakeServer.mkfifo(abandoned);

        assertThatThrownBy(() -> OctopipesClient.builder(abandoned).name("alice").subscribeTimeout(Duration.ofMillis(300)).connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_SERVER))
                .hasMessageContaining("nobody reads the CAP " + abandoned);
    }

    @Test
    void aMissingCapMeansNoServer() {
        Path missing = directory.resolve("missing.fifo");

        assertThatThrownBy(() -> OctopipesClient.builder(missing).name("alice").connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_SERVER))
                .hasMessageContaining("no CAP at " + missing);
    }

    @Test
    void aRegularFileIsNeverWrittenAsACap() throws Exception {
        Path file = Files.writeString(directory.resolve("not-a-fifo"), "precious");

        assertThatThrownBy(() -> OctopipesClient.builder(file).name("alice").connect())
                .isInstanceOfSatisfying(SubscriptionException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_SERVER))
                .hasMessageContaining("is not a FIFO");
        assertThat(Files.readString(file)).isEqualTo("precious");
    }

    @Test
    void theEmptyNameIsTheServersAndIsRefused() {
        assertThatThrownBy(() -> OctopipesClient.builder(server.cap()).name(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OctopipesClient.builder(server.cap()).connect())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a name");
    }

    @Test
    void theDefaultCapPathIsTheCodecsSharedRule() {
        assertThat(OctopipesClient.defaultCapPath()).isEqualTo(CapLocation.defaultPath());
    }

    // --- sending

    @Test
    void sendWritesExactlyTheEncodedPacketToTx() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            client.send("bob", "hello".getBytes(UTF_8));
            client.send(Message.to(BOB).payload("again").ttl(30).requestAck());

            Received first = server.link("alice").next();
            Received second = server.link("alice").next();

            Packet expectedFirst = Packet.wrap(ALICE, BOB, Protocol.DEFAULT_MESSAGE_TTL, 0, ByteBuffer.wrap("hello".getBytes(UTF_8)));
            Packet expectedSecond = Packet.wrap(ALICE, BOB, 30, Protocol.OPTION_RCK, ByteBuffer.wrap("again".getBytes(UTF_8)));
            assertThat(first.bytes()).isEqualTo(expectedFirst.toBytes());
            assertThat(second.bytes()).isEqualTo(expectedSecond.toBytes());
            assertThat(server.link("alice").errors()).isEmpty();
        }
    }

    @Test
    void packetsLargerThanThePipeBufferArriveWhole() throws Exception {
        byte[] payload = new byte[300_000];
        Arrays.fill(payload, (byte) 'x');
        try (OctopipesClient client = connectAlice(alice())) {
            client.send(BOB, payload);

            assertThat(server.link("alice").next().packet().payloadBytes()).isEqualTo(payload);
        }
    }

    @Test
    void sendersOnManyThreadsNeverInterleavePackets() throws Exception {
        int threads = 8;
        int perThread = 200;
        try (OctopipesClient client = connectAlice(alice())) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int sender = t;
                senders.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        try {
                            client.send(BOB, ("sender " + sender + " message " + i + " " + "y".repeat(i)).getBytes(UTF_8));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
            }
            senders.forEach(Thread::start);
            for (Thread sender : senders) {
                sender.join();
            }

            for (int i = 0; i < threads * perThread; i++) {
                assertThat(server.link("alice").next().packet().origin()).isEqualTo(ALICE);
            }
            assertThat(server.link("alice").errors()).isEmpty();
        }
    }

    // --- receiving

    @Test
    void receiveReturnsPacketsInOrderAndNullWhenNoneCome() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            Packet hello = message(BOB, ALICE, "hello");
            server.link("alice").write(hello);

            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(hello);
            assertThat(client.receive(Duration.ofMillis(50))).isNull();
        }
    }

    @Test
    void aCallbackGetsEveryPacket() throws Exception {
        List<Packet> received = new CopyOnWriteArrayList<>();
        try (OctopipesClient client = connectAlice(alice().onMessage(received::add))) {
            server.link("alice").write(message(BOB, ALICE, "one"));
            server.link("alice").write(message(BOB, ALICE, "two"));

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
            assertThat(received).extracting(p -> new String(p.payloadBytes(), UTF_8)).containsExactly("one", "two");
            assertThatThrownBy(() -> client.receive()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void severalPacketsInOneWriteAllArrive() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            Packet one = message(BOB, ALICE, "one");
            Packet two = message(Name.of("carol"), ALICE, "two");
            Packet three = message(BOB, Name.of("g1"), "three");
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(one.toBytes());
            burst.writeBytes(two.toBytes());
            burst.writeBytes(three.toBytes());

            server.link("alice").write(burst.toByteArray());

            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(one);
            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(two);
            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(three);
        }
    }

    @Test
    void aPacketSplitOverTwoWritesArrivesOnceWhole() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            Packet packet = message(BOB, ALICE, "split in the middle");
            byte[] bytes = packet.toBytes();

            server.link("alice").write(Arrays.copyOfRange(bytes, 0, bytes.length / 2));
            assertThat(client.receive(Duration.ofMillis(200))).as("half a packet").isNull();
            server.link("alice").write(Arrays.copyOfRange(bytes, bytes.length / 2, bytes.length));

            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(packet);
        }
    }

    @Test
    void garbageOnRxIsSkippedAndThePacketsAfterItArrive() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            Packet packet = message(BOB, ALICE, "after the noise");
            server.link("alice").write("noise".getBytes(UTF_8));
            server.link("alice").write(packet);

            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(packet);
        }
    }

    @Test
    void largePacketsAreReceivedWhole() throws Exception {
        byte[] payload = new byte[200_000];
        Arrays.fill(payload, (byte) 'z');
        try (OctopipesClient client = connectAlice(alice())) {
            CompletableFuture.runAsync(() -> {
                try {
                    server.link("alice").write(Packet.wrap(BOB, ALICE, 60, 0, ByteBuffer.wrap(payload)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(client.receive(Duration.ofSeconds(5)).payloadBytes()).isEqualTo(payload);
        }
    }

    // --- acknowledgements

    @Test
    void aPacketWithRckIsAcknowledgedAutomatically() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            Packet question = Packet.wrap(BOB, ALICE, 60, Protocol.OPTION_RCK, ByteBuffer.wrap("ack me".getBytes(UTF_8)));
            server.link("alice").write(question);

            Packet delivered = client.receive(Duration.ofSeconds(5));
            Received ack = server.link("alice").next();

            assertThat(delivered).isEqualTo(question);
            assertThat(Message.isAckRequested(delivered)).isTrue();
            assertThat(ack.bytes()).isEqualTo(question.ack(ALICE).toBytes());
            assertThat(ack.packet().remote()).isEqualTo(BOB);
            assertThat(Message.isAck(ack.packet())).isTrue();
        }
    }

    @Test
    void noAckIsSentWhenAutoAckIsOff() throws Exception {
        try (OctopipesClient client = connectAlice(alice().autoAck(false))) {
            server.link("alice").write(Packet.wrap(BOB, ALICE, 60, Protocol.OPTION_RCK, ByteBuffer.wrap("ack me".getBytes(UTF_8))));
            assertThat(client.receive(Duration.ofSeconds(5))).isNotNull();

            // An ACK would be written before the packet is delivered, so it would come first.
            client.send(BOB, "marker".getBytes(UTF_8));

            Received next = server.link("alice").next();
            assertThat(Message.isAck(next.packet())).isFalse();
            assertThat(next.packet().payloadBytes()).isEqualTo("marker".getBytes(UTF_8));
        }
    }

    @Test
    void acksAreDeliveredToTheApplicationAndNeverAcknowledged() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            Packet ack = Packet.wrap(BOB, ALICE, Protocol.DEFAULT_ACK_TTL, Protocol.OPTION_ACK | Protocol.OPTION_RCK, ByteBuffer.allocate(0));
            server.link("alice").write(ack);

            Packet delivered = client.receive(Duration.ofSeconds(5));
            client.send(BOB, "marker".getBytes(UTF_8));

            assertThat(Message.isAck(delivered)).isTrue();
            assertThat(server.link("alice").next().packet().payloadBytes()).isEqualTo("marker".getBytes(UTF_8));
        }
    }

    // --- closing and losing the server

    @Test
    void closeUnsubscribesStopsTheReaderAndIsIdempotent() throws Exception {
        OctopipesClient client = connectAlice(alice());
        assertThat(readerThreadOf("alice")).isNotNull();

        client.close();
        client.close();

        assertThat(server.nextCapPacket().get(5, TimeUnit.SECONDS)).isEqualTo(CapMessage.Unsubscription.INSTANCE.toPacket(ALICE));
        await().atMost(Duration.ofSeconds(5)).until(() -> readerThreadOf("alice") == null);
        assertThat(client.isOpen()).isFalse();
        assertThatThrownBy(() -> client.receive()).isInstanceOfSatisfying(DisconnectedException.class, e -> assertThat(e.isLost()).isFalse());
        assertThatThrownBy(() -> client.send(BOB, new byte[0])).isInstanceOf(DisconnectedException.class).hasMessageContaining("closed");

        // Only one UNSUBSCRIPTION went out: the next packet on the CAP is the next client's request.
        CompletableFuture<Packet> next = server.answerNextSubscription(Answer.ASSIGN);
        try (OctopipesClient bob = OctopipesClient.builder(server.cap()).name("bob").connect()) {
            assertThat(next.get(5, TimeUnit.SECONDS).origin()).isEqualTo(BOB);
        }
    }

    @Test
    void aBlockedReceiveEndsWhenTheClientIsClosed() throws Exception {
        OctopipesClient client = connectAlice(alice());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        Thread receiver = new Thread(() -> {
            try {
                client.receive();
            } catch (Throwable e) {
                failure.set(e);
            }
            ended.countDown();
        });
        receiver.start();

        client.close();

        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isInstanceOf(DisconnectedException.class);
    }

    @Test
    void aServerThatGoesAwayEndsReceiveWithAnException() throws Exception {
        AtomicReference<DisconnectedException> disconnected = new AtomicReference<>();
        try (OctopipesClient client = connectAlice(alice().onDisconnect(disconnected::set))) {
            Packet last = message(BOB, ALICE, "last words");
            server.link("alice").write(last);
            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(last);

            server.link("alice").disconnect();

            assertThatThrownBy(() -> client.receive())
                    .isInstanceOfSatisfying(DisconnectedException.class, e -> assertThat(e.isLost()).isTrue())
                    .hasMessageContaining(client.rxPath().toString());
            assertThat(client.isOpen()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> disconnected.get() != null);
            assertThatThrownBy(() -> client.send(BOB, new byte[0])).isInstanceOf(DisconnectedException.class);
        }
    }

    @Test
    void packetsThatCameBeforeTheServerWentAwayAreStillReceived() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            Packet one = message(BOB, ALICE, "one");
            Packet two = message(BOB, ALICE, "two");
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(one.toBytes());
            both.writeBytes(two.toBytes());
            server.link("alice").write(both.toByteArray());
            server.link("alice").disconnect();

            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(one);
            assertThat(client.receive(Duration.ofSeconds(5))).isEqualTo(two);
            assertThatThrownBy(() -> client.receive()).isInstanceOf(DisconnectedException.class);
        }
    }

    @Test
    void fifosDeletedWhileStillOpenAreNoticed() throws Exception {
        try (OctopipesClient client = connectAlice(alice())) {
            server.link("alice").deleteButKeepOpen();

            assertThatThrownBy(() -> client.receive())
                    .isInstanceOfSatisfying(DisconnectedException.class, e -> assertThat(e.isLost()).isTrue())
                    .hasMessageContaining("deleted or replaced");
        }
    }

    private static Packet message(Name origin, Name remote, String text) {
        return Packet.wrap(origin, remote, Protocol.DEFAULT_MESSAGE_TTL, 0, ByteBuffer.wrap(text.getBytes(UTF_8)));
    }

    private static Thread readerThreadOf(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("octopipes-client-" + name) && thread.isAlive())
                .findFirst().orElse(null);
    }
}
