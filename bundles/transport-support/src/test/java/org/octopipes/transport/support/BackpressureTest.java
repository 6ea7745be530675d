package org.octopipes.transport.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.testsupport.PacketRuns;
import org.octopipes.testsupport.PlainDelivery;

class BackpressureTest {

    /** A client whose queue is just a byte count. */
    final class Peer implements Backpressure.Party<Peer>, Backlog {
        final String name;
        final Inbox inbox = new Inbox();
        final Backpressure.State<Peer> state = new Backpressure.State<>(this, inbox, new StreamDecoder());
        long queued;
        boolean closed;

        Peer(String name) {
            this.name = name;
        }

        Sender sender() {
            return backpressure.sender(this);
        }

        @Override
        public Backpressure.State<Peer> backpressure() {
            return state;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public boolean isEmpty() {
            return queued == 0;
        }

        @Override
        public int packets() {
            return queued == 0 ? 0 : 1;
        }

        @Override
        public long bytes() {
            return queued;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final List<String> events = new ArrayList<>();
    /** What other threads asked the I/O thread to do, run when a test says so. */
    private final List<Runnable> tasks = new ArrayList<>();
    private final Thread ioThread = Thread.currentThread();
    private final Backpressure.Reading<Peer> reading = new Backpressure.Reading<>() {
        @Override
        public void pause(Peer sender) {
            events.add("pause " + sender);
        }

        @Override
        public void resume(Peer sender) {
            events.add("resume " + sender);
        }

        @Override
        public boolean onIoThread() {
            return Thread.currentThread() == ioThread;
        }

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public void wakeUp() {
            events.add("wake up");
        }
    };
    private final Backpressure<Peer> backpressure = new Backpressure<>(reading, 4000);
    // queue.bytes 4000: high water 2000, low water 500.
    private final Peer slow = new Peer("slow");
    private final Peer alice = new Peer("alice");
    private final Peer bob = new Peer("bob");

    @Test
    void aRecipientAboveHighWaterHoldsItsSendersUpUntilItDrainsBelowLowWater() {
        slow.queued = 2000;
        backpressure.queued(slow, alice.sender());
        assertThat(events).isEmpty();

        slow.queued = 2001;
        backpressure.queued(slow, alice.sender());
        backpressure.queued(slow, bob.sender());
        backpressure.queued(slow, alice.sender());
        backpressure.queued(slow, Sender.NONE);
        assertThat(events).containsExactly("pause alice", "pause bob");
        assertThat(alice.state.heldUp()).isTrue();
        assertThat(slow.state.congested()).isTrue();
        assertThat(slow.state.heldSenders()).containsExactly(alice.sender(), bob.sender());

        slow.queued = 500;
        backpressure.drained(slow);
        assertThat(events).hasSize(2);

        slow.queued = 499;
        backpressure.drained(slow);
        assertThat(events).containsExactly("pause alice", "pause bob", "resume alice", "resume bob");
        assertThat(alice.state.heldUp()).isFalse();
        assertThat(slow.state.congested()).isFalse();
        assertThat(backpressure.nanosToNextCheck(System.nanoTime())).isEqualTo(-1);
    }

    @Test
    void aSenderHeldByTwoRecipientsGoesOnOnlyWhenBothLetItGo() {
        Peer other = new Peer("other");
        slow.queued = 3000;
        other.queued = 3000;
        backpressure.queued(slow, alice.sender());
        backpressure.queued(other, alice.sender());
        assertThat(alice.state.holders()).isEqualTo(2);

        slow.queued = 0;
        backpressure.drained(slow);
        assertThat(events).containsExactly("pause alice");

        backpressure.forget(other);
        assertThat(events).containsExactly("pause alice", "resume alice");
    }

    @Test
    void aRecipientThatDoesNotDrainBecomesASlowReaderAndHoldsNobodyUp() {
        slow.queued = 3000;
        long start = System.nanoTime();
        backpressure.queued(slow, alice.sender());
        assertThat(backpressure.findSlowReaders(start)).isEmpty();
        assertThat(backpressure.nanosToNextCheck(System.nanoTime())).isBetween(0L, Backpressure.SLOW_AFTER_NANOS);

        long later = System.nanoTime() + Backpressure.SLOW_AFTER_NANOS + 1;
        assertThat(backpressure.findSlowReaders(later)).containsExactly(slow);
        assertThat(slow.state.slowReader()).isTrue();
        assertThat(events).containsExactly("pause alice", "resume alice");

        // A slow reader holds nobody up any more, until its queue is empty.
        backpressure.queued(slow, bob.sender());
        assertThat(events).hasSize(2);
        slow.queued = 0;
        backpressure.drained(slow);
        assertThat(slow.state.slowReader()).isFalse();
    }

    @Test
    void aClosedSenderIsNotResumed() {
        slow.queued = 3000;
        backpressure.queued(slow, alice.sender());
        alice.closed = true;
        slow.queued = 0;
        backpressure.drained(slow);
        assertThat(events).containsExactly("pause alice");
        assertThat(alice.state.heldUp()).isFalse();
    }

    @Test
    void theHighWaterMarkIsHalfASmallQueue() {
        Backpressure<Peer> small = new Backpressure<>(reading, 100);
        slow.queued = 51;
        small.queued(slow, alice.sender());
        assertThat(events).containsExactly("pause alice");
    }

    @Test
    void aSenderHeldOrReleasedFromAnotherThreadIsPausedOrResumedOnTheIoThread() throws Exception {
        CompletableFuture.runAsync(() -> alice.sender().hold()).get();
        assertThat(alice.state.heldUp()).as("counted at once").isTrue();
        assertThat(events).as("but paused by the I/O thread only").isEmpty();
        runTasks();
        assertThat(events).containsExactly("pause alice");

        CompletableFuture.runAsync(() -> alice.sender().release()).get();
        assertThat(alice.state.heldUp()).isFalse();
        runTasks();
        assertThat(events).containsExactly("pause alice", "resume alice");
    }

    @Test
    void aHoldWhileAReleaseWaitsForTheIoThreadStillStopsTheDecodeUnderWay() throws Exception {
        alice.sender().hold();
        CompletableFuture.runAsync(() -> alice.sender().release()).get();
        // Its resume waits among the tasks, so its reading still counts as paused; a read happens
        // all the same (its readiness came in this wake-up, or it unsubscribed) and a recipient
        // holds it up again at the first packet: the decode stops there.
        byte[] three = new byte[0];
        for (int i = 0; i < 3; i++) {
            byte[] one = Packet.builder().origin(Name.of("alice")).remote(Name.of("slow")).payload(new byte[] {(byte) i}).build().toBytes();
            three = java.util.Arrays.copyOf(three, three.length + one.length);
            System.arraycopy(one, 0, three, three.length - one.length, one.length);
        }
        List<Integer> routed = new ArrayList<>();
        alice.state.decoder.feed(ByteBuffer.wrap(three), frame -> {
            routed.add((int) frame.payload().get(0));
            alice.sender().hold();
        });

        assertThat(routed).as("the packets after the hold wait in the decoder").containsExactly(0);
        runTasks();
        assertThat(alice.state.heldUp()).isTrue();
        assertThat(events).containsExactly("pause alice");
    }

    @Test
    void aHoldAndItsReleaseBeforeTheIoThreadGetsToThemLeaveTheSenderReading() throws Exception {
        CompletableFuture.runAsync(() -> {
            alice.sender().hold();
            alice.sender().release();
        }).get();
        runTasks();
        assertThat(events).isEmpty();
        assertThat(alice.state.heldUp()).isFalse();
    }

    @Test
    void anOfferFromAnotherThreadPastHighWaterHoldsTheSenderUntilTheRecipientDrains() throws Exception {
        slow.queued = 1990;
        Delivery fromAlice = PlainDelivery.from(alice.sender());
        assertThat(CompletableFuture.supplyAsync(() -> slow.inbox.offer(packet(100), fromAlice, slow.queued, 4000,
                backpressure.highWater(), slow.state.slowReader())).get()).isEqualTo(Inbox.Offered.QUEUED_FIRST);
        runTasks();
        assertThat(events).containsExactly("pause alice");

        OutboundQueue queue = new OutboundQueue(4000);
        List<Sender> held = new ArrayList<>();
        slow.inbox.moveTo(queue, held);
        assertThat(queue.packets()).isEqualTo(1);
        slow.queued += queue.bytes();
        backpressure.adopt(slow, held);
        assertThat(slow.state.congested()).isTrue();
        assertThat(slow.state.heldSenders()).containsExactly(alice.sender());

        slow.queued = 0;
        backpressure.drained(slow);
        assertThat(events).containsExactly("pause alice", "resume alice");
        assertThat(alice.state.heldUp()).isFalse();
    }

    @Test
    void aSenderHeldByTheInboxAndByTheIoThreadIsHeldOnceAndReleasedOnce() {
        slow.queued = 3000;
        backpressure.queued(slow, alice.sender());
        List<Sender> held = new ArrayList<>();
        assertThat(slow.inbox.offer(packet(10), PlainDelivery.from(alice.sender()), slow.queued, 4000, backpressure.highWater(), false))
                .isEqualTo(Inbox.Offered.QUEUED_FIRST);
        assertThat(alice.state.holders()).isEqualTo(2);

        slow.inbox.moveTo(new OutboundQueue(4000), held);
        backpressure.adopt(slow, held);
        assertThat(alice.state.holders()).isEqualTo(1);

        slow.queued = 0;
        backpressure.drained(slow);
        assertThat(alice.state.heldUp()).isFalse();
        assertThat(events).containsExactly("pause alice", "resume alice");
    }

    @Test
    void anInboxRefusesWhatWouldPassTheBoundAndASlowReaderHoldsNobody() {
        assertThat(slow.inbox.offer(packet(100), PlainDelivery.from(alice.sender()), 3950, 4000, 2000, true)).isEqualTo(Inbox.Offered.FULL);
        assertThat(slow.inbox.offer(packet(100), PlainDelivery.from(alice.sender()), 0, 4000, 2000, true)).isEqualTo(Inbox.Offered.QUEUED_FIRST);
        assertThat(slow.inbox.offer(packet(100), PlainDelivery.from(alice.sender()), 3000, 4000, 2000, true)).isEqualTo(Inbox.Offered.QUEUED);
        assertThat(alice.state.heldUp()).isFalse();
    }

    @Test
    void anInboxTakesARunWholeAndHoldsTheSenderAfterItOrDeclinesItWhole() {
        Delivery fromAlice = PlainDelivery.from(alice.sender());
        assertThat(offerRun(fromAlice, 2001, 2000)).as("behind already").isEqualTo(Inbox.Offered.FULL);
        // High water 3,000 of 4,000: the ceiling of a run is 3,500, the rest is for other senders.
        assertThat(offerRun(fromAlice, 3000, 3000)).as("past the ceiling, within the bound").isEqualTo(Inbox.Offered.FULL);
        assertThat(slow.inbox.bytes()).as("nothing of a declined run").isZero();
        assertThat(alice.state.heldUp()).isFalse();

        assertThat(offerRun(fromAlice, 1800, 2000)).isEqualTo(Inbox.Offered.QUEUED_FIRST);

        assertThat(slow.inbox.bytes()).as("five packets of 100 bytes and their headers").isGreaterThan(500);
        assertThat(alice.state.holders()).as("past high water after the run").isEqualTo(1);
        OutboundQueue queue = new OutboundQueue(4000);
        slow.inbox.moveTo(queue, new ArrayList<>());
        assertThat(queue.packets()).isEqualTo(5);
    }

    /** Offers five packets of 100 payload bytes with one header to the slow client's inbox, as one run. */
    private Inbox.Offered offerRun(Delivery delivery, long queuedElsewhere, long highWater) {
        List<Packet> packets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            packets.add(Packet.builder().origin(Name.of("a")).remote(Name.of("b")).payload(new byte[100]).build());
        }
        Inbox.Offered[] offered = new Inbox.Offered[1];
        PacketRuns.asRun(packets, run -> {
            offered[0] = slow.inbox.offer(run, delivery, queuedElsewhere, 4000, highWater, false);
            return true;
        });
        return offered[0];
    }

    @Test
    void stoppingReleasesEverySenderHeld() {
        slow.queued = 3000;
        backpressure.queued(slow, alice.sender());
        backpressure.queued(slow, bob.sender());

        backpressure.releaseAll();

        assertThat(events).containsExactly("pause alice", "pause bob", "resume alice", "resume bob");
    }

    private void runTasks() {
        List<Runnable> pending;
        synchronized (reading) {
            pending = new ArrayList<>(tasks);
            tasks.clear();
        }
        pending.forEach(Runnable::run);
    }

    /** One packet of {@code size} bytes, as a frame valid during {@code use}. */
    private static org.octopipes.codec.Frame packet(int size) {
        byte[] bytes = Packet.builder().origin(Name.of("a")).remote(Name.of("b")).payload(new byte[size - 10]).build().toBytes();
        org.octopipes.codec.Frame[] frame = new org.octopipes.codec.Frame[1];
        new StreamDecoder().feed(ByteBuffer.wrap(bytes), f -> frame[0] = f);
        return frame[0];
    }
}
