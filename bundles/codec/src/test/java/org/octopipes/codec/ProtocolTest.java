package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void aTtlIsSecondsFromWhenThePacketWasTakenInAndZeroIsNoDeadline() {
        assertThat(Protocol.deadlineNanos(3, 1_000L)).isEqualTo(3_000_001_000L);
        assertThat(Protocol.deadlineNanos(Protocol.MAX_TTL, 0L)).isEqualTo(255_000_000_000L);
        assertThat(Protocol.deadlineNanos(Protocol.TTL_NO_DEADLINE, 1_000L)).isEqualTo(Protocol.NO_DEADLINE).isEqualTo(Long.MAX_VALUE);
    }
}
