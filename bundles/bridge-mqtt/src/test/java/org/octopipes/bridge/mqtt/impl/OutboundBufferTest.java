package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.Protocol;

class OutboundBufferTest {

    private static OutboundBuffer.Entry entry(String topic, int size) {
        return new OutboundBuffer.Entry(topic, new byte[size], Protocol.NO_DEADLINE);
    }

    @Test
    void aWindowOfPacketsGoesOutAndEachLeavesOnlyOnceItAndEveryOlderOneIsAcknowledged() throws InterruptedException {
        OutboundBuffer buffer = new OutboundBuffer(10, 1000);
        OutboundBuffer.Entry first = entry("1", 10);
        OutboundBuffer.Entry second = entry("2", 20);
        OutboundBuffer.Entry third = entry("3", 30);
        buffer.offer(first);
        buffer.offer(second);
        buffer.offer(third);

        assertThat(buffer.nextToPublish(2, 0)).isSameAs(first);
        assertThat(buffer.nextToPublish(2, 0)).isSameAs(second);
        assertThat(buffer.nextToPublish(2, 0)).as("the window is full").isNull();
        assertThat(buffer.inFlight()).isEqualTo(2);

        buffer.done(second);
        assertThat(buffer.packets()).as("second acknowledged, first not yet").isEqualTo(2);
        assertThat(buffer.bytes()).as("second leaves with first, in order").isEqualTo(60);
        assertThat(buffer.nextToPublish(2, 0)).as("room in the window again").isSameAs(third);

        buffer.done(first);
        assertThat(buffer.bytes()).isEqualTo(30);
        buffer.done(third);
        assertThat(buffer.packets()).isZero();
        assertThat(buffer.bytes()).isZero();
    }

    @Test
    void afterALostConnectionWhatWasInFlightAndNotAcknowledgedGoesAgainFirstInOrder() throws InterruptedException {
        OutboundBuffer buffer = new OutboundBuffer(10, 1000);
        List<OutboundBuffer.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            entries.add(entry(String.valueOf(i), 1));
            buffer.offer(entries.get(i - 1));
        }
        for (int i = 0; i < 4; i++) {
            buffer.nextToPublish(10, 0);
        }
        buffer.done(entries.get(2));

        assertThat(buffer.publishAgain()).as("1, 2 and 4; 3 was acknowledged").isEqualTo(3);

        List<String> order = new ArrayList<>();
        for (OutboundBuffer.Entry next; (next = buffer.nextToPublish(10, 0)) != null; ) {
            order.add(next.topic());
        }
        assertThat(order).containsExactly("1", "2", "4", "5");
        assertThat(buffer.packets()).isEqualTo(4);
    }

    @Test
    void aPublicationPahoRefusedGoesFirstAgainAndALateAcknowledgementSavesADuplicate() throws InterruptedException {
        OutboundBuffer buffer = new OutboundBuffer(10, 1000);
        OutboundBuffer.Entry first = entry("1", 1);
        OutboundBuffer.Entry second = entry("2", 1);
        buffer.offer(first);
        buffer.offer(second);
        buffer.nextToPublish(10, 0);
        buffer.nextToPublish(10, 0);
        buffer.notPublished(second);
        assertThat(buffer.inFlight()).isEqualTo(1);

        buffer.publishAgain();
        buffer.done(first);
        assertThat(buffer.nextToPublish(10, 0)).as("first was acknowledged after all: only second goes").isSameAs(second);
    }

    @Test
    void theBufferRefusesBeyondEitherBound() {
        OutboundBuffer byPackets = new OutboundBuffer(2, 1000);
        assertThat(byPackets.offer(entry("1", 1))).isTrue();
        assertThat(byPackets.offer(entry("2", 1))).isTrue();
        assertThat(byPackets.offer(entry("3", 1))).as("a third packet").isFalse();

        OutboundBuffer byBytes = new OutboundBuffer(100, 100);
        assertThat(byBytes.offer(entry("1", 60))).isTrue();
        assertThat(byBytes.offer(entry("2", 41))).as("101 bytes").isFalse();
        assertThat(byBytes.offer(entry("3", 40))).as("exactly 100 bytes").isTrue();
        assertThat(byBytes.clear()).hasSize(2);
        assertThat(byBytes.bytes()).isZero();
        assertThat(byBytes.offer(entry("4", 101))).as("a packet larger than the whole buffer").isFalse();

        assertThat(byPackets.offer(entry("3", 1), true)).as("paced: the broker is there and the sender is held up next").isTrue();
        assertThat(byPackets.packets()).isEqualTo(3);
    }

    @Test
    void anAcknowledgementOfAStrangerChangesNothing() throws InterruptedException {
        OutboundBuffer buffer = new OutboundBuffer(10, 1000);
        OutboundBuffer.Entry first = entry("1", 1);
        buffer.offer(first);
        buffer.done(entry("stranger", 1));
        assertThat(buffer.nextToPublish(1, 0)).isSameAs(first);
    }

    @Test
    void aPacketThatMayNotGoYetHoldsUpThoseBehindItUntilAWakeUpLetsItGo() throws InterruptedException {
        OutboundBuffer buffer = new OutboundBuffer(10, 1000);
        OutboundBuffer.Entry first = entry("1", 1);
        OutboundBuffer.Entry second = entry("2", 1);
        buffer.offer(first);
        buffer.offer(second);
        AtomicBoolean mayGo = new AtomicBoolean();
        assertThat(buffer.nextToPublish(10, 0, entry -> entry != first || mayGo.get())).as("the first waits, and the second behind it")
                .isNull();
        assertThat(buffer.firstUnsent()).isSameAs(first);

        AtomicReference<OutboundBuffer.Entry> taken = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread publisher = new Thread(() -> {
            try {
                waiting.countDown();
                taken.set(buffer.nextToPublish(10, TimeUnit.MINUTES.toMillis(1), entry -> entry != first || mayGo.get()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        publisher.start();
        waiting.await();
        mayGo.set(true);
        buffer.wakeUp();
        publisher.join();
        assertThat(taken.get()).isSameAs(first);
        assertThat(buffer.nextToPublish(10, 0, entry -> true)).isSameAs(second);
    }

    @Test
    void anEmptyBufferAnswersNullAfterTheWait() throws InterruptedException {
        assertThat(new OutboundBuffer(1, 1).nextToPublish(1, 10)).isNull();
    }

    @Test
    void aPacketExpiresWhenItsDeadlinePassesWhileBuffered() {
        long queued = System.nanoTime();
        OutboundBuffer.Entry withTtl = new OutboundBuffer.Entry("t", new byte[1], Protocol.deadlineNanos(2, queued));
        assertThat(withTtl.expired(queued + TimeUnit.SECONDS.toNanos(1))).isFalse();
        assertThat(withTtl.expired(queued + TimeUnit.SECONDS.toNanos(3))).isTrue();
        OutboundBuffer.Entry noTtl = new OutboundBuffer.Entry("t", new byte[1], Protocol.deadlineNanos(0, queued));
        assertThat(noTtl.expired(queued + TimeUnit.DAYS.toNanos(1))).as("TTL 0 is no deadline").isFalse();
    }
}
