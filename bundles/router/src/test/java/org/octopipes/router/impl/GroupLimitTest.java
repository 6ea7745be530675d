package org.octopipes.router.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.api.transport.SubscriptionRefusedException.Reason;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.testsupport.RecordingOutlet;
import org.octopipes.testsupport.TestLogger;

/** Groups per client are limited (max.groups), for subscriptions and for management alike. */
class GroupLimitTest {

    private final TestLogger log = new TestLogger();
    private final AtomicReference<RoutingPolicy> policy = new AtomicReference<>(new SpecRoutingPolicy());
    private final RouterUnderTest router = new RouterUnderTest(log.logger(), policy::get, 10);

    @Test
    void byDefaultAsManyGroupsAsASubscriptionCarries() {
        List<Name> groups = groups(CapMessage.MAX_GROUPS);

        assertThat(router.attach(Name.of("crowd"), groups, new RecordingOutlet()).groups()).hasSize(CapMessage.MAX_GROUPS);
    }

    @Test
    void aSubscriptionWithMoreGroupsThanAllowedIsRefused() {
        router.maxGroups(3);

        assertThatThrownBy(() -> router.attach(Name.of("greedy"), groups(4), new RecordingOutlet()))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_GROUPS);
                    assertThat(e.getMessage()).contains("4 groups").contains("allows 3");
                });
        assertThat(router.clients()).isEmpty();
        assertThat(router.attach(Name.of("modest"), groups(3), new RecordingOutlet()).groups()).hasSize(3);
    }

    @Test
    void theOwnNameAndRepeatsDoNotCount() {
        router.maxGroups(2);

        List<Name> listed = List.of(Name.of("self"), Name.of("g0"), Name.of("g1"), Name.of("g0"));
        assertThat(router.attach(Name.of("self"), listed, new RecordingOutlet()).groups()).containsExactlyInAnyOrder(Name.of("g0"), Name.of("g1"));
    }

    @Test
    void managementCannotAddGroupsBeyondTheLimit() {
        router.maxGroups(2);
        router.attach(Name.of("alice"), groups(2), new RecordingOutlet());

        assertThatThrownBy(() -> router.subscribe(Name.of("alice"), List.of(Name.of("one-more"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allows 2");
        assertThat(router.client(Name.of("alice")).orElseThrow().groups()).containsExactlyInAnyOrderElementsOf(groups(2));
        router.unsubscribe(Name.of("alice"), List.of(Name.of("g0")));
        router.subscribe(Name.of("alice"), List.of(Name.of("one-more")));
        assertThat(router.client(Name.of("alice")).orElseThrow().groups()).containsExactlyInAnyOrder(Name.of("g1"), Name.of("one-more"));
    }

    private static List<Name> groups(int count) {
        Name[] groups = new Name[count];
        for (int i = 0; i < count; i++) {
            groups[i] = Name.of("g" + i);
        }
        return List.of(groups);
    }
}
