package org.octopipes.transport.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.testsupport.PacketRuns;

/** The queue of one client: packets leave whole and in order, however the writes split them and the ring wraps. */
class OutboundQueueTest {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Test
    void packetsLeaveInOrderThroughPartialWritesWhileTheRingWrapsAndGrows() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20);
        int offered = 0;
        int completed = 0;
        // Rounds of offers and small writes, so that the head moves round the ring of 16 while
        // packets are added, and later the ring grows with the head in the middle.
        for (int round = 0; round < 40; round++) {
            int burst = round < 20 ? 5 : 23;
            for (int i = 0; i < burst; i++) {
                assertThat(offer(queue, offered++, OutboundQueue.NO_DEADLINE)).isTrue();
            }
            completed += queue.writeTo(sinkTaking(97));
        }
        while (!queue.isEmpty()) {
            completed += queue.writeTo(sinkTaking(97));
        }

        assertThat(completed).isEqualTo(offered);
        assertThat(payloads()).isEqualTo(numbers(0, offered));
    }

    @Test
    void expiringKeepsTheStartedHeadAndTheOrderOfTheRest() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20);
        for (int i = 0; i < 20; i++) {
            // Even packets may wait forever, odd ones until 1,000.
            offer(queue, i, i % 2 == 0 ? OutboundQueue.NO_DEADLINE : 1_000);
        }
        queue.writeTo(sinkTaking(10));

        int expired = queue.expire(2_000);

        // Packet 0 had begun to go out; of the rest, the odd ones missed their deadline.
        assertThat(expired).isEqualTo(10);
        assertThat(queue.packets()).isEqualTo(10);
        assertThat(queue.earliestDeadline()).isEqualTo(OutboundQueue.NO_DEADLINE);
        while (!queue.isEmpty()) {
            queue.writeTo(sinkTaking(1 << 16));
        }
        assertThat(payloads()).isEqualTo(numbers(0, 20).stream().filter(n -> Integer.parseInt(n) % 2 == 0).toList());
    }

    @Test
    void aPacketBeyondTheBoundIsRefusedUnlessTheQueueIsEmpty() {
        OutboundQueue queue = new OutboundQueue(100);
        byte[] big = new byte[150];
        byte[] small = new byte[10];

        assertThat(queue.offer(big, 0, big.length, OutboundQueue.NO_DEADLINE)).as("a big packet into an empty queue").isTrue();
        assertThat(queue.offer(small, 0, small.length, OutboundQueue.NO_DEADLINE)).isFalse();
        assertThat(queue.packets()).isEqualTo(1);
        assertThat(queue.bytes()).isEqualTo(150);
    }

    @Test
    void clearingCountsEveryPacketIncludingOneBegun() throws Exception {
        OutboundQueue queue = new OutboundQueue(1000);
        offer(queue, 1, OutboundQueue.NO_DEADLINE);
        offer(queue, 2, OutboundQueue.NO_DEADLINE);
        queue.writeTo(sinkTaking(3));

        assertThat(queue.clear()).isEqualTo(2);
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void movingAnotherQueueAppendsItsPacketsWithTheirDeadlinesAndEmptiesIt() throws Exception {
        OutboundQueue queue = new OutboundQueue(100);
        OutboundQueue other = new OutboundQueue(1 << 20);
        offer(queue, 0, OutboundQueue.NO_DEADLINE);
        for (int i = 1; i < 40; i++) {
            offer(other, i, i == 7 ? 1_000 : OutboundQueue.NO_DEADLINE);
        }

        queue.moveFrom(other);

        assertThat(other.isEmpty()).isTrue();
        assertThat(other.bytes()).isZero();
        assertThat(queue.packets()).as("past its own bound: the caller checked").isEqualTo(40);
        assertThat(queue.earliestDeadline()).isEqualTo(1_000);
        assertThat(queue.expire(2_000)).isEqualTo(1);
        while (!queue.isEmpty()) {
            queue.writeTo(sinkTaking(50));
        }
        assertThat(payloads()).isEqualTo(numbers(0, 40).stream().filter(n -> !n.equals("7")).toList());
    }

    @Test
    void aRunIsQueuedWithOneCopyAsItsPacketsEachWithItsLengthAndTheRunsDeadline() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20);
        offer(queue, 0, OutboundQueue.NO_DEADLINE);

        assertThat(offerRun(queue, 1, 29, 1_000)).isTrue();

        assertThat(queue.packets()).isEqualTo(30);
        assertThat(queue.earliestDeadline()).isEqualTo(1_000);
        // Written in small pieces, each packet is counted when its last byte is out.
        int completed = 0;
        while (!queue.isEmpty()) {
            completed += queue.writeTo(sinkTaking(7));
        }
        assertThat(completed).isEqualTo(30);
        assertThat(payloads()).isEqualTo(numbers(0, 30));
    }

    @Test
    void aRunThatDoesNotFitTheBoundWholeIsRefusedWholeEvenIntoAnEmptyQueue() throws Exception {
        OutboundQueue queue = new OutboundQueue(200);

        assertThat(offerRun(queue, 0, 20, OutboundQueue.NO_DEADLINE)).isFalse();

        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aRunsPacketsThatMissTheirDeadlineExpireOneByOne() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20);
        offerRun(queue, 0, 5, 1_000);
        queue.writeTo(sinkTaking(10));

        assertThat(queue.expire(2_000)).as("all but the one begun").isEqualTo(4);
        while (!queue.isEmpty()) {
            queue.writeTo(sinkTaking(100));
        }
        assertThat(payloads()).containsExactly("0");
    }

    /** Offers packets numbered {@code from} on, {@code count} of them, as the run a decoder hands out. */
    private static boolean offerRun(OutboundQueue queue, int from, int count, long deadline) {
        List<Packet> packets = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            packets.add(Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload(String.valueOf(i).getBytes()).build());
        }
        return PacketRuns.asRun(packets, run -> queue.offer(run, deadline));
    }

    private static boolean offer(OutboundQueue queue, int number, long deadline) {
        Packet packet = Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload(String.valueOf(number).getBytes()).build();
        boolean[] taken = new boolean[1];
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> taken[0] = queue.offer(frame, deadline));
        return taken[0];
    }

    /** A sink like a FIFO with room for {@code room} bytes, read empty between writes. */
    private OutboundQueue.Sink sinkTaking(int room) {
        return bytes -> {
            int taken = Math.min(room, bytes.remaining());
            byte[] chunk = new byte[taken];
            bytes.get(chunk);
            written.write(chunk, 0, taken);
            return taken;
        };
    }

    private List<String> payloads() {
        List<String> payloads = new ArrayList<>();
        new StreamDecoder().feed(ByteBuffer.wrap(written.toByteArray()), frame -> {
            byte[] bytes = new byte[frame.payloadLength()];
            frame.payload().get(bytes);
            payloads.add(new String(bytes));
        });
        return payloads;
    }

    private static List<String> numbers(int from, int to) {
        List<String> numbers = new ArrayList<>();
        for (int i = from; i < to; i++) {
            numbers.add(String.valueOf(i));
        }
        return numbers;
    }
}
