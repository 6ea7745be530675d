package org.octopipes.transport.fifo.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.octopipes.transport.fifo.impl.FifoPeer.available;
import static org.octopipes.transport.fifo.impl.FifoPeer.pipeSize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.api.DropReason;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.octopipes.posix.FileType;
import org.octopipes.posix.Posix;
import org.octopipes.testsupport.TestLogger;
import org.octopipes.sessions.impl.SessionBook;
import org.octopipes.testsupport.TestRouter;

/** The FIFO transport on real FIFOs in a temporary folder, driven the way the reference C client drives a server. */
class FifoServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path folder;

    private final org.osgi.service.log.Logger log = TestLogger.printing();
    /** The real sessions, routed by the smallest router. */
    private final SessionBook sessions = new SessionBook(log, 1024, 255);

    {
        sessions.route(new TestRouter());
    }
    private Path cap;
    private Path clients;
    private FifoServer server;
    private final FifoPeers peers = new FifoPeers();

    @BeforeEach
    void startServer() throws IOException {
        Path run = Files.createDirectory(folder.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        clients = run.resolve("clients");
        server = new FifoServer(new FifoSettings(cap, clients, 0600, 64 * 1024, 64, 8 * 1024), sessions, log);
        server.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        peers.close();
        server.stop();
    }

    private FifoPeer subscribe(String name, String... groups) throws Exception {
        return peers.subscribe(cap, name, groups);
    }

    @Test
    void aSubscriptionGetsItsOwnFifosWithTheConfiguredMode() throws Exception {
        FifoPeer alice = subscribe("alice");

        assertThat(alice.tx).isEqualTo(clients.resolve("alice_tx.fifo"));
        assertThat(alice.rx).isEqualTo(clients.resolve("alice_rx.fifo"));
        for (Path fifo : List.of(cap, alice.tx, alice.rx)) {
            assertThat(Posix.get().lstat(fifo).type()).isEqualTo(FileType.FIFO);
            assertThat(Files.getPosixFilePermissions(fifo)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(server.clientCount()).isEqualTo(1);
    }

    @Test
    void clientFifosGetTheConfiguredSizeOrElseTheKernelsDefault() throws Exception {
        FifoPeer plain = subscribe("plain");
        Path reference = folder.resolve("reference.fifo");
        Posix.get().mkfifo(reference, 0600);
        assertThat(pipeSize(plain.rx)).as("made with fifo.pipe.size 0: the kernel's default").isEqualTo(pipeSize(reference));
        server.stop();
        server = new FifoServer(new FifoSettings(cap, clients, 0600, 64 * 1024, 64, 8 * 1024, 256 * 1024, 0), sessions, log);
        server.start();

        FifoPeer large = subscribe("large");

        assertThat(pipeSize(large.tx)).isEqualTo(256 * 1024);
        assertThat(pipeSize(large.rx)).isEqualTo(256 * 1024);
        assertThatThrownBy(() -> new FifoSettings(cap, clients, 0600, 1024, 64, 8192, -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fifo.pipe.size");
    }

    @Test
    void aReaderSlowerThanItsSenderGetsALargerRxFifoButOneThatDoesNotReadDoesNot() throws Exception {
        restartWith(new FifoSettings(cap, clients, 0600, 64 * 1024, 64, 1024 * 1024, 0, 4 * 1024 * 1024));
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        int defaultSize = pipeSize(bob.rx);
        int count = 3 * defaultSize / 1024;

        for (int i = 0; i < count; i++) {
            alice.send("bob", (i + ":" + "x".repeat(1000)).substring(0, 1000));
        }
        // Bob does not read: his FIFO fills once, and stays as it is.
        // (Pages partly filled by earlier writes leave a full FIFO of 1 KiB packets at about 55 KiB.)
        await().atMost(WAIT).until(() -> available(bob.rx) >= defaultSize / 2);
        assertThat(pipeSize(bob.rx)).isEqualTo(defaultSize);

        List<Packet> received = bob.receive(count, WAIT);

        assertThat(pipeSize(bob.rx)).as("read while full: grown").isEqualTo(FifoSizes.TARGET_SIZE);
        assertThat(received).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(new String(received.get(i).payloadBytes())).startsWith(i + ":");
        }
    }

    @Test
    void aWriterThatFillsHalfItsTxFifoAtOnceGetsALargerOneWithinTheBudget() throws Exception {
        restartWith(new FifoSettings(cap, clients, 0600, 64 * 1024, 64, 1024 * 1024, 0, 4 * 1024 * 1024));
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        FifoPeer carol = subscribe("carol");

        alice.sendBurst("bob", pipeSize(alice.tx) * 3 / 4);
        bob.receive(1, WAIT);

        await().atMost(WAIT).until(() -> pipeSize(alice.tx) == FifoSizes.TARGET_SIZE);
        // 4 MiB of budget, of which alice's TX took 1 MiB less its 64 KiB: carol's burst fits too,
        // but with a budget of nothing, nobody's FIFO grows.
        carol.sendBurst("bob", pipeSize(carol.tx) * 3 / 4);
        await().atMost(WAIT).until(() -> pipeSize(carol.tx) == FifoSizes.TARGET_SIZE);

        restartWith(new FifoSettings(cap, clients, 0600, 64 * 1024, 64, 1024 * 1024, 0, 0));
        FifoPeer dave = subscribe("dave");
        FifoPeer erin = subscribe("erin");
        int before = pipeSize(dave.tx);
        dave.sendBurst("erin", before * 3 / 4);
        assertThat(erin.receive(1, WAIT)).isNotEmpty();
        assertThat(pipeSize(dave.tx)).isEqualTo(before);
    }

    private void restartWith(FifoSettings settings) throws IOException {
        peers.close();
        server.stop();
        server = new FifoServer(settings, sessions, log);
        server.start();
    }

    @Test
    void aPacketGoesFromOneClientsTxToAnothersRxWithItsBytesUnchanged() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        Packet packet = Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).ttl(30)
                .options(Protocol.OPTION_RCK | 0x80).payload("hello".getBytes()).build();

        alice.send(packet);

        assertThat(bob.receive(1, WAIT)).containsExactly(packet);
        await().atMost(WAIT).until(() -> sessions.counters().delivered() == 1);
    }

    @Test
    void packetsSeveralPerWriteAndSplitAcrossWritesAreAllRouted() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            stream.writeBytes(Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload(("n" + i).getBytes()).build().toBytes());
        }
        byte[] bytes = stream.toByteArray();

        alice.sendRaw(java.util.Arrays.copyOfRange(bytes, 0, bytes.length / 2 + 3));
        alice.sendRaw(java.util.Arrays.copyOfRange(bytes, bytes.length / 2 + 3, bytes.length));

        List<Packet> received = bob.receive(100, WAIT);
        for (int i = 0; i < 100; i++) {
            assertThat(new String(received.get(i).payloadBytes())).isEqualTo("n" + i);
        }
    }

    @Test
    void runsToAGroupBrokenByPacketsToOneMemberReachEveryMemberWholeAndInTheOrderWritten() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob", "team");
        FifoPeer carol = subscribe("carol", "team");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<String> toBob = new ArrayList<>();
        List<String> toCarol = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            // Runs of 40 to the group, each ended by one packet to bob alone.
            String remote = i % 41 == 40 ? "bob" : "team";
            String payload = "n" + i;
            stream.writeBytes(Packet.builder().origin(Name.of("alice")).remote(Name.of(remote)).payload(payload.getBytes()).build().toBytes());
            toBob.add(payload);
            if (remote.equals("team")) {
                toCarol.add(payload);
            }
        }

        alice.sendRaw(stream.toByteArray());

        assertThat(bob.receive(toBob.size(), WAIT)).extracting(packet -> new String(packet.payloadBytes())).containsExactlyElementsOf(toBob);
        assertThat(carol.receive(toCarol.size(), WAIT)).extracting(packet -> new String(packet.payloadBytes())).containsExactlyElementsOf(toCarol);
        assertThat(sessions.counters().droppedTotal()).isZero();
    }

    @Test
    void aTakenNameIsRefusedWithError1() throws Exception {
        subscribe("alice");
        server.reclaimGraceNanos = 0;

        assertThat(FifoPeer.requestAssignment(cap, Name.of("alice")).error()).isEqualTo(AssignmentError.NAME_ALREADY_TAKEN);
        assertThat(server.clientCount()).isEqualTo(1);
    }

    @Test
    void aNameWhoseHolderNoLongerHoldsItsFifosCanBeTakenAgain() throws Exception {
        server.reclaimGraceNanos = 0;
        FifoPeer first = subscribe("phoenix");
        FifoPeer bob = subscribe("bob");
        // What a crash leaves: the subscription, with no process holding its FIFOs.
        first.close();

        FifoPeer second = subscribe("phoenix");
        bob.send("phoenix", "welcome back");

        assertThat(second.receive(1, WAIT)).extracting(p -> new String(p.payloadBytes())).containsExactly("welcome back");
        assertThat(server.clientCount()).isEqualTo(2);
    }

    @Test
    void aNameJustSubscribedIsNotTakenOverBeforeItsClientOpensItsFifos() throws Exception {
        // Subscribed by hand, with its FIFOs open nowhere yet, as in the moment after the reply.
        assertThat(FifoPeer.requestAssignment(cap, Name.of("newcomer")).isSuccess()).isTrue();

        assertThat(FifoPeer.requestAssignment(cap, Name.of("newcomer")).error()).isEqualTo(AssignmentError.NAME_ALREADY_TAKEN);
    }

    @Test
    void namesThatWouldLeaveTheClientsFolderAreRefused() throws Exception {
        for (byte[] hostile : List.of("a/b".getBytes(), "..".getBytes(), ".".getBytes(), new byte[] {'a', 0, 'b'},
                "x".repeat(65).getBytes(), new byte[] {'c', (byte) 0xC3, (byte) 0xA9})) {
            assertThat(FifoPeer.requestAssignment(cap, Name.of(hostile)).error()).as(Name.of(hostile).toString()).isEqualTo(AssignmentError.FS);
        }
        try (var entries = Files.list(clients)) {
            assertThat(entries).isEmpty();
        }
        assertThat(folder.resolve("run").toFile().list()).containsExactlyInAnyOrder("cap.fifo", "clients");
    }

    @Test
    void unsubscribingDeletesTheFifosAndFreesTheName() throws Exception {
        FifoPeer alice = subscribe("alice");

        alice.unsubscribe(cap);

        await().atMost(WAIT).until(() -> !Files.exists(alice.tx) && !Files.exists(alice.rx));
        assertThat(server.clientCount()).isZero();
        assertThat(subscribe("alice").tx).isEqualTo(alice.tx);
    }

    @Test
    void whatAClientWroteBeforeItUnsubscribedIsStillRouted() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");

        alice.send("bob", "last words");
        alice.unsubscribe(cap);

        assertThat(bob.receive(1, WAIT)).extracting(p -> new String(p.payloadBytes())).containsExactly("last words");
    }

    @Test
    void anUnsubscriptionFromAnUnknownNameIsCountedAndTheCapKeepsWorking() throws Exception {
        FifoPeer.write(cap, CapMessage.Unsubscription.INSTANCE.toPacket(Name.of("ghost")).toBytes());

        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.UNHANDLED) == 1);
        assertThat(subscribe("alice").name).isEqualTo(Name.of("alice"));
    }

    @Test
    void garbageOnTheCapIsCountedAndTheNextSubscriptionStillWorks() throws Exception {
        FifoPeer.write(cap, "this is not a packet at all".getBytes());

        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.MALFORMED) == 1);
        assertThat(subscribe("alice").name).isEqualTo(Name.of("alice"));
    }

    @Test
    void garbageOnATxFifoIsCountedAndThePacketsAfterItArrive() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");

        alice.sendRaw(new byte[] {0x7F, 0x7F, 0x7F});
        alice.send("bob", "after the garbage");

        assertThat(bob.receive(1, WAIT)).extracting(p -> new String(p.payloadBytes())).containsExactly("after the garbage");
        assertThat(sessions.counters().dropped(DropReason.MALFORMED)).as("one loss of sync").isEqualTo(1);
    }

    @Test
    void aClientThatDoesNotReadNeverHoldsUpTheOthers() throws Exception {
        FifoPeer alice = subscribe("alice");
        subscribe("sleeper", "all");
        FifoPeer reader = subscribe("reader", "all");
        byte[] payload = new byte[1000];
        int count = 300; // 300 KB: far more than a FIFO (64 KiB) plus the sleeper's queue (8 KiB) hold

        for (int i = 0; i < count; i++) {
            alice.send(Packet.builder().origin(Name.of("alice")).remote(Name.of("all")).payload(payload).build());
            if (i % 50 == 49) {
                reader.receive(i + 1, WAIT);
            }
        }

        assertThat(reader.receive(count, WAIT)).hasSize(count);
        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.QUEUE_FULL) > 0);
        // The sleeper's FIFO takes 63 of these packets and its queue 7 more; the rest must be dropped and counted.
        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.QUEUE_FULL) >= count - 63 - 7);
    }

    @Test
    void aSenderFasterThanItsReaderIsSlowedDownInsteadOfLosingPackets() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        int count = 3000;
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            burst.writeBytes(Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload(new byte[1000]).build().toBytes());
        }
        // 3 MB in one write: far more than bob's FIFO and his 8 KiB queue hold. The write blocks
        // while the server holds alice up, so it runs beside bob's reading.
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> written = writer.submit(() -> {
                alice.sendRaw(burst.toByteArray());
                return null;
            });

            assertThat(bob.receive(count, WAIT)).hasSize(count);
            written.get();
        } finally {
            writer.shutdownNow();
        }
        assertThat(sessions.counters().dropped(DropReason.QUEUE_FULL)).isZero();
    }

    @Test
    void severalClientsSubscribingAtOnceAllGetTheirOwnAssignment() throws Exception {
        int count = 6;
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<CapMessage.Assignment>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Name name = Name.of("c" + i);
                Callable<CapMessage.Assignment> subscription = () -> {
                    start.await();
                    return FifoPeer.requestAssignment(cap, name);
                };
                results.add(pool.submit(subscription));
            }
            start.countDown();
            for (int i = 0; i < count; i++) {
                CapMessage.Assignment assignment = results.get(i).get();
                assertThat(assignment.isSuccess()).isTrue();
                assertThat(new String(assignment.txPath())).endsWith("/c" + i + "_tx.fifo");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.clientCount()).isEqualTo(count);
    }

    @Test
    void stoppingRemovesTheCapAndEveryClientFifo() throws Exception {
        FifoPeer alice = subscribe("alice");

        server.stop();

        assertThat(cap).doesNotExist();
        assertThat(alice.tx).doesNotExist();
        assertThat(alice.rx).doesNotExist();
        assertThat(sessions.sessions()).isEmpty();
    }

    @Test
    void staleFifosFromAnEarlierRunAreRemovedAtStart() throws Exception {
        server.stop();
        Posix.get().mkfifo(clients.resolve("old_tx.fifo"), 0600);
        Posix.get().mkfifo(clients.resolve("old_rx.fifo"), 0600);
        Files.writeString(clients.resolve("notes.txt"), "not ours to delete");

        server = new FifoServer(new FifoSettings(cap, clients, 0600, 1024, 64, 8192), sessions, log);
        server.start();

        assertThat(clients.resolve("old_tx.fifo")).doesNotExist();
        assertThat(clients.resolve("old_rx.fifo")).doesNotExist();
        assertThat(clients.resolve("notes.txt")).exists();
    }

    @Test
    void aFolderOtherUsersCanWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(folder.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        FifoServer unsafe = new FifoServer(new FifoSettings(open.resolve("cap.fifo"), open.resolve("clients"), 0600, 1024, 64, 8192),
                sessions, log);

        assertThatThrownBy(unsafe::start).isInstanceOf(IOException.class).hasMessageContaining("other users can write");
        assertThat(open.resolve("cap.fifo")).doesNotExist();
    }
}
