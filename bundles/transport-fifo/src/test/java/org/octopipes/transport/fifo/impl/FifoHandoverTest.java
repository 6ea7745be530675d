package org.octopipes.transport.fifo.impl;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.sessions.impl.SessionBook;
import org.octopipes.testsupport.PlainDelivery;
import org.octopipes.testsupport.TestLogger;
import org.octopipes.testsupport.TestRouter;
import org.octopipes.transport.handover.Parcel;
import org.octopipes.transport.handover.Relay;

/**
 * A FIFO server hands its clients to the next instance (the bundle updated), and its clients'
 * sessions ride out a router that goes away and comes back, on real FIFOs written the way the reference C client
 * writes them (open, write, close for every packet): nothing written is lost, doubled or reordered.
 */
class FifoHandoverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path folder;

    private final org.osgi.service.log.Logger log = TestLogger.printing();
    /** The real sessions, which outlive every instance of the transport and every router. */
    private final SessionBook sessions = new SessionBook(log, 1024, 255);
    private SessionRegistry.Routing routing = sessions.route(new TestRouter());
    private FifoSettings settings;
    private final List<FifoServer> servers = new ArrayList<>();
    private final FifoPeers peers = new FifoPeers();
    private Path cap;

    @BeforeEach
    void prepare() throws IOException {
        Path run = Files.createDirectory(folder.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        settings = new FifoSettings(cap, run.resolve("clients"), 0600, 64 * 1024, 64, 256 * 1024);
    }

    @AfterEach
    void stop() throws IOException {
        peers.close();
        for (FifoServer server : servers) {
            server.stop();
        }
    }

    private FifoServer start(Parcel previous) throws IOException {
        FifoServer server = new FifoServer(settings, sessions, log);
        server.start(previous);
        servers.add(server);
        return server;
    }

    private FifoPeer subscribe(String name, String... groups) throws Exception {
        return peers.subscribe(cap, name, groups);
    }

    @Test
    void theNextInstanceAdoptsTheClientsWithWhatTheyWroteMeanwhileAndWhatWasQueuedForThem() throws Exception {
        FifoServer first = start(null);
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        ClientSession bobSession = sessions.session(Name.of("bob")).orElseThrow();
        sendNumbered(alice, 1, 100);

        Parcel parcel = first.handOver();
        assertThat(parcel).isNotNull();
        // Nobody serves now: the writes wait in alice's TX FIFO, kept open by the parcel.
        sendNumbered(alice, 101, 200);
        // A packet from elsewhere (another transport, management) waits in bob's relay.
        assertThat(bobSession.outlet()).isInstanceOf(Relay.class);
        assertThat(offer(bobSession.outlet(), Packet.builder().remote(Name.of("bob")).payload("parked".getBytes(StandardCharsets.UTF_8)).build())).isTrue();

        start(parcel);
        sendNumbered(alice, 201, 300);

        List<String> received = payloads(bob.receive(301, WAIT));
        List<String> fromAlice = new ArrayList<>(received);
        fromAlice.remove("parked");
        assertThat(received).contains("parked");
        assertNumbered(fromAlice, 300);
        assertThat(sessions.session(Name.of("bob"))).as("bob's session is the one it had").containsSame(bobSession);
        assertThat(sessions.counters().droppedTotal()).isZero();
    }

    @Test
    void whatWasParkedDuringTheUpdateIsQueuedAfterItEvenIfTheAdoptedQueueIsFull() throws Exception {
        FifoServer first = start(null);
        FifoPeer bob = subscribe("bob");
        Outlet bobOutlet = sessions.session(Name.of("bob")).orElseThrow().outlet();
        // Bob reads nothing yet: his RX FIFO fills, then his queue up to its bound.
        int[] offered = {0};
        await().atMost(WAIT).until(() -> {
            while (offer(bobOutlet, numberedFiller(offered[0] + 1))) {
                offered[0]++;
            }
            return bobOutlet.queuedBytes() > settings.queueBytes() - 2 * numberedFiller(0).toBytes().length;
        });

        Parcel parcel = first.handOver();
        int parked = 10;
        for (int i = 1; i <= parked; i++) {
            assertThat(offer(bobOutlet, numberedFiller(offered[0] + i))).as("parked while nobody serves bob").isTrue();
        }
        start(parcel);

        List<Packet> received = bob.receive(offered[0] + parked, WAIT);
        for (int i = 0; i < received.size(); i++) {
            assertThat(new String(received.get(i).payloadBytes(), 0, 8, StandardCharsets.US_ASCII)).isEqualTo(String.format("%08d", i + 1));
        }
        assertThat(sessions.counters().droppedTotal()).as("the relay took them: nothing may drop them after").isZero();
    }

    /** A packet for bob of 4,000 payload bytes, its number in the first eight. */
    private static Packet numberedFiller(int number) {
        byte[] payload = new byte[4000];
        System.arraycopy(String.format("%08d", number).getBytes(StandardCharsets.US_ASCII), 0, payload, 0, 8);
        return Packet.builder().remote(Name.of("bob")).payload(payload).build();
    }

    @Test
    void whatAClientsFifosGrewByStillCountsAgainstTheGrowthBudgetAfterTheUpdate() throws Exception {
        long budget = 2L * FifoSizes.TARGET_SIZE;
        settings = new FifoSettings(cap, settings.clientsDir(), 0600, 64 * 1024, 64, 256 * 1024, 0, budget);
        FifoServer first = start(null);
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        int before = FifoPeer.pipeSize(alice.tx);
        int burst = alice.sendBurst("bob", before * 3 / 4);
        await().atMost(WAIT).until(() -> FifoPeer.pipeSize(alice.tx) == FifoSizes.TARGET_SIZE);
        long left = budget - (FifoSizes.TARGET_SIZE - before);
        await().atMost(WAIT).until(() -> first.growthBudgetLeft() == left);

        FifoServer second = start(first.handOver());
        alice.send("bob", "after the update");

        assertThat(payloads(bob.receive(burst + 1, WAIT))).contains("after the update");
        await().atMost(WAIT).until(() -> second.growthBudgetLeft() == left);
        assertThat(FifoPeer.pipeSize(alice.tx)).as("the FIFO itself outlives the instance").isEqualTo(FifoSizes.TARGET_SIZE);
    }

    @Test
    void clientsWaitForTheNextRouterWithTheirGroupsAndLoseNothing() throws Exception {
        start(null);
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob", "team");

        routing.close();
        sendNumbered(alice, 1, 50);
        TestRouter second = new TestRouter();
        routing = sessions.route(second);
        sendNumbered(alice, 51, 100);

        assertNumbered(payloads(bob.receive(100, WAIT)), 100);
        assertThat(second.sessions).as("the next router read the sessions").containsKeys(Name.of("alice"), Name.of("bob"));
        assertThat(second.sessions.get(Name.of("bob")).groups()).containsExactly(Name.of("team"));
        assertThat(sessions.counters().droppedTotal()).isZero();
    }

    @Test
    void aStreamFlowsThroughManyHandoversAndRouterChangesInTheOrderDeclarativeServicesMakesThem() throws Exception {
        FifoServer server = start(null);
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        AtomicLong sent = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try (FileChannel tx = FileChannel.open(alice.tx, StandardOpenOption.WRITE)) {
                while (sending.get()) {
                    long next = sent.get() + 1;
                    ByteBuffer bytes = ByteBuffer.wrap(Packet.builder().origin(Name.of("alice")).remote(Name.of("bob"))
                            .payload(Long.toString(next).getBytes(StandardCharsets.UTF_8)).ttl(0).build().toBytes());
                    while (bytes.hasRemaining()) {
                        tx.write(bytes);
                    }
                    sent.set(next);
                }
            } catch (IOException e) {
                failure.set(e);
            }
        });
        sender.start();
        long[] received = new long[1];
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (FileChannel rx = FileChannel.open(bob.rx, StandardOpenOption.READ)) {
            StreamDecoder decoder = new StreamDecoder();
            for (int round = 0; round < 20; round++) {
                long target = sent.get() + 1;
                int currentRound = round;
                Future<?> reading = reader.submit(() -> {
                    while (received[0] < target) {
                        decoder.readFrom(rx, frame -> {
                            long seq = Long.parseLong(new String(frame.toPacket().payloadBytes(), StandardCharsets.UTF_8));
                            assertThat(seq).as("round " + currentRound).isEqualTo(received[0] + 1);
                            received[0] = seq;
                        });
                    }
                    return null;
                });
                try {
                    reading.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("stuck in round " + round + " after " + received[0] + " of " + sent.get() + ": " + server.debugState(), e);
                }
                if (round % 2 == 0) {
                    // The transport updated, once while no router routes too.
                    Parcel parcel = server.handOver();
                    if (round % 4 == 0) {
                        routing.close();
                    }
                    servers.remove(server);
                    server = new FifoServer(settings, sessions, log);
                    server.start(parcel);
                    servers.add(server);
                    if (round % 4 == 0) {
                        routing = sessions.route(new TestRouter());
                    }
                } else {
                    // The router updated.
                    routing.close();
                    routing = sessions.route(new TestRouter());
                }
            }
        } finally {
            sending.set(false);
            reader.shutdownNow();
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void aParcelNobodyAdoptsDeletesTheFifosWhenReleased() throws Exception {
        FifoServer server = start(null);
        FifoPeer alice = subscribe("alice");

        Parcel parcel = server.handOver();
        assertThat(cap).exists();
        assertThat(alice.tx).exists();

        assertThat(parcel.release()).isEmpty();
        assertThat(cap).doesNotExist();
        assertThat(alice.tx).doesNotExist();
        assertThat(alice.rx).doesNotExist();
    }

    private static boolean offer(Outlet outlet, Packet packet) {
        boolean[] taken = new boolean[1];
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> taken[0] = outlet.offer(frame, new PlainDelivery(Protocol.NO_DEADLINE, Sender.NONE, false)));
        return taken[0];
    }

    /** Sends "packet FROM" to "packet TO" to bob, each opening, writing and closing the TX FIFO. */
    private static void sendNumbered(FifoPeer sender, int from, int to) throws IOException {
        for (int i = from; i <= to; i++) {
            sender.send("bob", "packet " + i);
        }
    }

    private static void assertNumbered(List<String> payloads, int count) {
        assertThat(payloads).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(payloads.get(i)).isEqualTo("packet " + (i + 1));
        }
    }

    private static List<String> payloads(List<Packet> packets) {
        List<String> texts = new ArrayList<>();
        for (Packet packet : packets) {
            texts.add(new String(packet.payloadBytes(), StandardCharsets.UTF_8));
        }
        return texts;
    }
}
