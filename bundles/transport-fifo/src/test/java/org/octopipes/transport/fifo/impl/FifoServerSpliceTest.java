package org.octopipes.transport.fifo.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.api.DropReason;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.PacketError;
import org.octopipes.sessions.impl.SessionBook;
import org.octopipes.testsupport.TestLogger;
import org.octopipes.testsupport.TestRouter;

/**
 * fifo.splice.payloads on real FIFOs: large payloads moved from TX to RX FIFOs by splice and tee,
 * everything else as always, and every packet whole and in order wherever it went.
 */
class FifoServerSpliceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MIN = 16 * 1024;
    private static final int MEBIBYTE = 1024 * 1024;

    @TempDir
    Path folder;

    private final org.osgi.service.log.Logger log = TestLogger.printing();
    private final SessionBook sessions = new SessionBook(log, 1024, 255);

    {
        sessions.route(new TestRouter());
    }
    private Path cap;
    private FifoServer server;
    private final FifoPeers peers = new FifoPeers();
    private final ExecutorService writers = Executors.newCachedThreadPool();

    @BeforeEach
    void startServer() throws IOException {
        Path run = Files.createDirectory(folder.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        cap = run.resolve("cap.fifo");
        // 1 MiB FIFOs: a packet of 100 KiB fits a TX FIFO whole, as the splicing path needs.
        server = new FifoServer(new FifoSettings(cap, run.resolve("clients"), 0600, 4 * MEBIBYTE, 64, 16 * MEBIBYTE, MEBIBYTE, 0, MIN),
                sessions, log);
        server.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        writers.shutdownNow();
        peers.close();
        server.stop();
    }

    private FifoPeer subscribe(String name, String... groups) throws Exception {
        return peers.subscribe(cap, name, groups);
    }

    @Test
    void largePayloadsAreSplicedWholeAndInOrderAmongSmallOnes() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        // Headers are read alone from the third large packet in a row: the decoder's large reads
        // take the first, and the rest of the second, which they had begun.
        int[] sizes = {100, 70_000, 70_000, 70_000, 70_000, 50, 200_000, 200_000, 200_000, MIN, MIN, MIN, MIN - 1, 10, 300_000,
            300_000, 300_000, 1};
        List<Packet> sent = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            sent.add(packet("alice", "bob", i, sizes[i]));
        }

        for (Packet packet : sent) {
            alice.send(packet);
        }

        assertThat(bob.receive(sent.size(), WAIT)).containsExactlyElementsOf(sent);
        // Counted by the I/O thread after its last call moved the bytes, maybe after bob read them.
        await().atMost(WAIT).until(() -> server.splicer.spliced() > 0);
        await().atMost(WAIT).until(() -> sessions.counters().delivered() == sent.size());
    }

    @Test
    void packetsWrittenManyPerWriteAreSplicedToo() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        List<Packet> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 12; i++) {
            Packet packet = packet("alice", "bob", i, i % 3 == 0 ? 40 : 60_000);
            sent.add(packet);
            stream.writeBytes(packet.toBytes());
        }

        alice.sendRaw(stream.toByteArray());

        assertThat(bob.receive(sent.size(), WAIT)).containsExactlyElementsOf(sent);
    }

    @Test
    void everyMemberOfAGroupGetsTheSameBytes() throws Exception {
        FifoPeer alice = subscribe("alice");
        List<FifoPeer> members = List.of(subscribe("bob", "g"), subscribe("carol", "g"), subscribe("dave", "g"));
        List<Packet> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(packet("alice", "g", i, 100_000 + i));
        }

        for (Packet packet : sent) {
            alice.send(packet);
        }

        for (FifoPeer member : members) {
            assertThat(member.receive(sent.size(), WAIT)).as(member.name.toString()).containsExactlyElementsOf(sent);
        }
        await().atMost(WAIT).until(() -> server.splicer.spliced() > 0);
    }

    @Test
    void aReaderThatFallsBehindButKeepsReadingGetsEveryPacketWholeAndHoldsUpNobodyElse() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        FifoPeer carol = subscribe("carol");
        FifoPeer dave = subscribe("dave");
        List<Packet> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(packet("alice", "bob", i, 100_000));
        }

        // 4 MB for bob, whose RX FIFO holds 1 MiB: he reads only once all is sent.
        sendFromAnotherThread(alice, sent);
        dave.send(packet("dave", "carol", 0, 50_000));
        assertThat(carol.receive(1, WAIT)).as("carol while bob lags").hasSize(1);

        assertThat(bob.receive(sent.size(), WAIT)).containsExactlyElementsOf(sent);
        await("packets whose rest was queued for bob").atMost(WAIT).until(() -> server.splicer.copiedAfterAll() > 0);
    }

    @Test
    void aGroupMemberThatDoesNotReadDelaysTheOthersOnlyBriefly() throws Exception {
        FifoPeer alice = subscribe("alice");
        subscribe("bob", "g");
        FifoPeer carol = subscribe("carol", "g");
        List<Packet> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sent.add(packet("alice", "g", i, 100_000));
        }

        // Bob never reads: once his RX FIFO is full, alice waits for him no more than a moment
        // before each packet, then not at all, and carol gets everything while bob's queue holds it.
        sendFromAnotherThread(alice, sent);

        assertThat(carol.receive(sent.size(), WAIT)).containsExactlyElementsOf(sent);
    }

    @Test
    void aRecipientWithSomethingQueuedGetsItsCopyAfterWhatWasQueued() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob", "g");
        FifoPeer carol = subscribe("carol", "g");
        List<Packet> toBob = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            toBob.add(packet("alice", "bob", i, 60_000));
        }
        Packet toGroup = packet("alice", "g", 99, 90_000);

        // Bob does not read yet: his RX FIFO fills and the rest waits in his queue.
        List<Packet> sent = new ArrayList<>(toBob);
        sent.add(toGroup);
        sendFromAnotherThread(alice, sent);

        assertThat(carol.receive(1, WAIT)).containsExactly(toGroup);
        assertThat(bob.receive(sent.size(), WAIT)).containsExactlyElementsOf(sent);
    }

    @Test
    void aSplicedPayloadIsNotCheckedByTheServerButByItsRecipientAndASmallOneStillIs() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        Packet first = packet("alice", "bob", 0, 50_000);
        Packet after = packet("alice", "bob", 2, 50_000);
        byte[] damaged = packet("alice", "bob", 1, 50_000).toBytes();
        damaged[damaged.length - 100] ^= 0x20;
        byte[] damagedSmall = packet("alice", "bob", 3, 100).toBytes();
        damagedSmall[damagedSmall.length - 10] ^= 0x20;
        Packet last = packet("alice", "bob", 4, 50_000);

        alice.send(first);
        assertThat(bob.receive(1, WAIT)).containsExactly(first);
        alice.sendRaw(damaged);
        alice.send(after);
        alice.sendRaw(damagedSmall);
        alice.send(last);

        assertThat(bob.receive(3, WAIT)).containsExactly(first, after, last);
        assertThat(bob.receivedErrors(PacketError.BAD_CHECKSUM)).as("the large one, found by bob").isEqualTo(1);
        await().atMost(WAIT).until(() -> sessions.counters().dropped(DropReason.MALFORMED) == 1);
        await().atMost(WAIT).until(() -> server.splicer.spliced() > 0);
    }

    @Test
    void aSenderThatStopsInTheMiddleOfAPayloadHoldsUpNobodyElse() throws Exception {
        FifoPeer alice = subscribe("alice");
        FifoPeer bob = subscribe("bob");
        FifoPeer carol = subscribe("carol");
        Packet whole = packet("alice", "bob", 0, 80_000);
        byte[] cut = packet("alice", "bob", 1, 80_000).toBytes();

        alice.send(whole);
        assertThat(bob.receive(1, WAIT)).containsExactly(whole);
        // Its header and half its payload, then nothing more: the process died.
        alice.sendRaw(Arrays.copyOf(cut, cut.length / 2));
        alice.close();
        List<Packet> fromCarol = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fromCarol.add(packet("carol", "bob", i, 80_000));
        }
        for (Packet packet : fromCarol) {
            carol.send(packet);
        }

        List<Packet> expected = new ArrayList<>(List.of(whole));
        expected.addAll(fromCarol);
        assertThat(bob.receive(expected.size(), WAIT)).containsExactlyElementsOf(expected);
        assertThat(bob.receivedErrors(PacketError.BAD_ETX) + bob.receivedErrors(PacketError.BAD_CHECKSUM)).isZero();
    }

    /** Writes the packets one by one, as its client would, from a thread that may wait for room in the TX FIFO. */
    private void sendFromAnotherThread(FifoPeer sender, List<Packet> packets) throws Exception {
        Future<?> sending = writers.submit(() -> {
            for (Packet packet : packets) {
                sender.send(packet);
            }
            return null;
        });
        sending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A packet whose payload says who sent it, which one it is and how long it is, in bytes that differ from packet to packet. */
    private static Packet packet(String from, String to, int sequence, int payloadLength) {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payloadLength; i++) {
            payload[i] = (byte) (sequence * 31 + i * 7 + (i >> 8));
        }
        return Packet.builder().origin(Name.of(from)).remote(Name.of(to)).ttl(60).payload(payload).build();
    }
}
