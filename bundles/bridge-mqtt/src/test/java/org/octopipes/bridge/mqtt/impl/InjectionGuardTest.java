package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InjectionGuardTest {

    @Test
    void theMarkHoldsOnlyWhileAnImportedPacketIsRouted() {
        AtomicBoolean inside = new AtomicBoolean();
        AtomicBoolean nested = new AtomicBoolean();
        assertThat(InjectionGuard.isInjecting()).isFalse();
        InjectionGuard.inject(() -> {
            inside.set(InjectionGuard.isInjecting());
            InjectionGuard.inject(() -> { });
            nested.set(InjectionGuard.isInjecting());
        });
        assertThat(inside).isTrue();
        assertThat(nested).as("still marked after a nested injection").isTrue();
        assertThat(InjectionGuard.isInjecting()).isFalse();
    }
}
