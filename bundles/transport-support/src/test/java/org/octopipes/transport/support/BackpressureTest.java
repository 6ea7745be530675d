package org.octopipes.transport.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.StreamDecoder;

class BackpressureTest {

    /** A client whose queue is just a byte count. */
    static final class Peer implements Backpressure.Party<Peer>, Backlog {
        final String name;
        final Backpressure.State<Peer> state = new Backpressure.State<>(this, new StreamDecoder());
        long queued;
        boolean closed;

        Peer(String name) {
            this.name = name;
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
    private final Backpressure.Reading<Peer> reading = new Backpressure.Reading<>() {
        @Override
        public void pause(Peer sender) {
            events.add("pause " + sender);
        }

        @Override
        public void resume(Peer sender) {
            events.add("resume " + sender);
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
        backpressure.queued(slow, alice);
        assertThat(events).isEmpty();

        slow.queued = 2001;
        backpressure.queued(slow, alice);
        backpressure.queued(slow, bob);
        backpressure.queued(slow, alice);
        backpressure.queued(slow, null);
        assertThat(events).containsExactly("pause alice", "pause bob");
        assertThat(alice.state.heldUp()).isTrue();
        assertThat(slow.state.congested()).isTrue();
        assertThat(slow.state.heldSenders()).containsExactly(alice, bob);

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
        backpressure.queued(slow, alice);
        backpressure.queued(other, alice);
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
        backpressure.queued(slow, alice);
        assertThat(backpressure.findSlowReaders(start)).isEmpty();
        assertThat(backpressure.nanosToNextCheck(System.nanoTime())).isBetween(0L, Backpressure.SLOW_AFTER_NANOS);

        long later = System.nanoTime() + Backpressure.SLOW_AFTER_NANOS + 1;
        assertThat(backpressure.findSlowReaders(later)).containsExactly(slow);
        assertThat(slow.state.slowReader()).isTrue();
        assertThat(events).containsExactly("pause alice", "resume alice");

        // A slow reader holds nobody up any more, until its queue is empty.
        backpressure.queued(slow, bob);
        assertThat(events).hasSize(2);
        slow.queued = 0;
        backpressure.drained(slow);
        assertThat(slow.state.slowReader()).isFalse();
    }

    @Test
    void aClosedSenderIsNotResumed() {
        slow.queued = 3000;
        backpressure.queued(slow, alice);
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
        small.queued(slow, alice);
        assertThat(events).containsExactly("pause alice");
    }
}
