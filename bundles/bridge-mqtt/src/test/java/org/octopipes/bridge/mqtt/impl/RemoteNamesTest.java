package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;

class RemoteNamesTest {

    @Test
    void beyondTheLimitTheNameUsedLeastRecentlyIsForgotten() {
        RemoteNames names = new RemoteNames(2);
        assertThat(names.learn(Name.of("alice"))).isEqualTo(new RemoteNames.Learned(true, null));
        assertThat(names.learn(Name.of("bob"))).isEqualTo(new RemoteNames.Learned(true, null));
        assertThat(names.touch(Name.of("alice"))).as("alice used again").isTrue();
        assertThat(names.learn(Name.of("carol"))).isEqualTo(new RemoteNames.Learned(true, Name.of("bob")));
        assertThat(names.touch(Name.of("bob"))).isFalse();
        assertThat(names.size()).isEqualTo(2);
    }

    @Test
    void learningAKnownNameChangesNothing() {
        RemoteNames names = new RemoteNames(1);
        names.learn(Name.of("alice"));
        assertThat(names.learn(Name.of("alice"))).isEqualTo(new RemoteNames.Learned(false, null));
        assertThat(names.size()).isEqualTo(1);
    }
}
