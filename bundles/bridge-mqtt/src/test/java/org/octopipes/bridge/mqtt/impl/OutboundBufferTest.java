package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.Protocol;

class OutboundBufferTest {

    private static OutboundBuffer.Entry entry(String topic, int size) {
        return new OutboundBuffer.Entry(topic, new byte[size], Protocol.NO_DEADLINE);
    }

    @Test
    void theOldestStaysFirstUntilRemovedSoThatAFailedPublicationIsRetriedInOrder() throws InterruptedException {
        OutboundBuffer buffer = new OutboundBuffer(10, 1000);
        OutboundBuffer.Entry first = entry("1", 10);
        OutboundBuffer.Entry second = entry("2", 20);
        assertThat(buffer.offer(first)).isTrue();
        assertThat(buffer.offer(second)).isTrue();
        assertThat(buffer.oldest(0)).isSameAs(first);
        assertThat(buffer.oldest(0)).as("not removed by looking").isSameAs(first);
        buffer.remove(first);
        assertThat(buffer.oldest(0)).isSameAs(second);
        assertThat(buffer.packets()).isEqualTo(1);
        assertThat(buffer.bytes()).isEqualTo(20);
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
    }

    @Test
    void removingAnythingButTheOldestDoesNothing() throws InterruptedException {
        OutboundBuffer buffer = new OutboundBuffer(10, 1000);
        OutboundBuffer.Entry first = entry("1", 1);
        buffer.offer(first);
        buffer.remove(entry("stranger", 1));
        assertThat(buffer.oldest(0)).isSameAs(first);
    }

    @Test
    void anEmptyBufferAnswersNullAfterTheWait() throws InterruptedException {
        assertThat(new OutboundBuffer(1, 1).oldest(10)).isNull();
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
