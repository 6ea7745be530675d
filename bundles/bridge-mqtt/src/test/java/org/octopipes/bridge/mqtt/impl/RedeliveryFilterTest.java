package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedeliveryFilterTest {

    @Test
    void aDuplicateOfARecentMessageIsSkippedOnce() {
        RedeliveryFilter filter = new RedeliveryFilter();
        assertThat(filter.seenBefore(49, false)).isFalse();
        assertThat(filter.seenBefore(50, false)).isFalse();
        assertThat(filter.seenBefore(49, true)).as("49 again, after a broker restart").isTrue();
        assertThat(filter.seenBefore(50, true)).isTrue();
    }

    @Test
    void aDuplicateNeverSeenIsRoutedAndTheSameIdWithoutDupIsANewMessage() {
        RedeliveryFilter filter = new RedeliveryFilter();
        assertThat(filter.seenBefore(7, true)).as("the first copy never arrived").isFalse();
        assertThat(filter.seenBefore(7, true)).as("but now it has").isTrue();
        assertThat(filter.seenBefore(7, false)).as("a new message reusing the id").isFalse();
        assertThat(filter.seenBefore(0, true)).as("QoS 0").isFalse();
    }

    @Test
    void onlyTheLastIdsAreRemembered() {
        RedeliveryFilter filter = new RedeliveryFilter();
        for (int id = 1; id <= RedeliveryFilter.REMEMBERED + 1; id++) {
            filter.seenBefore(id, false);
        }
        assertThat(filter.seenBefore(1, true)).as("forgotten, so taken as the first copy").isFalse();
        assertThat(filter.seenBefore(RedeliveryFilter.REMEMBERED + 1, true)).isTrue();
    }
}
