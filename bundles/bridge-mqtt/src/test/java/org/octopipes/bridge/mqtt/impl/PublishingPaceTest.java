package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.octopipes.api.transport.Sender;

/** The bridge paces its senders while the broker is there, never during an outage, and gives up like a slow reader. */
class PublishingPaceTest {

    /** A buffer of 100 packets: senders wait past 50, and go on below 12. */
    private final PublishingPace pace = new PublishingPace(100, 1 << 20);
    private final CountingSender alice = new CountingSender();

    @Test
    void sendersWaitPastHighWaterWhileTheBrokerIsConnectedAndGoOnBelowLowWater() {
        pace.buffered(alice, 50, 50, true);
        assertThat(alice.holders).isZero();

        pace.buffered(alice, 51, 51, true);
        pace.buffered(alice, 52, 52, true);
        assertThat(alice.holders).as("held once").isEqualTo(1);

        long now = System.nanoTime();
        pace.drained(20, 20, now);
        assertThat(alice.holders).isEqualTo(1);
        pace.drained(11, 11, now);
        assertThat(alice.holders).isZero();
    }

    @Test
    void duringAnOutageTheBufferFillsAndNobodyWaits() {
        pace.buffered(alice, 99, 99, false);
        assertThat(alice.holders).isZero();

        pace.buffered(alice, 99, 99, true);
        pace.releaseAll();
        assertThat(alice.holders).isZero();
    }

    @Test
    void aBridgeThatDoesNotCatchUpWithinASecondHoldsNobodyUntilItsBufferIsEmpty() {
        pace.buffered(alice, 60, 60, true);
        assertThat(pace.drained(60, 60, System.nanoTime() + PublishingPace.SLOW_AFTER_NANOS + TimeUnit.MILLISECONDS.toNanos(10))).isTrue();
        assertThat(alice.holders).isZero();

        pace.buffered(alice, 61, 61, true);
        assertThat(alice.holders).as("a slow bridge holds nobody").isZero();
        pace.drained(0, 0, System.nanoTime());
        pace.buffered(alice, 61, 61, true);
        assertThat(alice.holders).as("once empty, it paces again").isEqualTo(1);
    }

    @Test
    void aFullBufferPacesASenderOnlyWhileTheBrokerIsThereAndTheBridgeKeepsUp() {
        assertThat(pace.paces(alice, true)).isTrue();
        assertThat(pace.paces(alice, false)).as("an outage: the buffer's bounds and drops").isFalse();
        assertThat(pace.paces(Sender.NONE, true)).as("nobody to hold up").isFalse();

        pace.buffered(alice, 60, 60, true);
        pace.drained(60, 60, System.nanoTime() + PublishingPace.SLOW_AFTER_NANOS + TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(pace.paces(alice, true)).as("a slow bridge drops, as a slow client's queue does").isFalse();
    }

    @Test
    void theImportWaitsWhileARecipientHoldsItAndGoesOnWhenReleased() throws Exception {
        ImportPace importPace = new ImportPace();
        assertThat(importPace.awaitGoOn(0)).isTrue();
        importPace.hold();
        assertThat(importPace.awaitGoOn(1)).isFalse();

        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return importPace.awaitGoOn(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        importPace.release();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
    }

    private static final class CountingSender implements Sender {
        int holders;

        @Override
        public void hold() {
            holders++;
        }

        @Override
        public void release() {
            holders--;
        }
    }
}
