package org.octopipes.sessions.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.api.transport.SubscriptionRefusedException.Reason;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.testsupport.RecordingOutlet;
import org.octopipes.testsupport.TestLogger;

/** Groups per client are limited (max.groups) by the sessions, for subscriptions and for management alike. */
class GroupLimitTest {

    private final SessionBook sessions = new SessionBook(new TestLogger().logger(), 10, CapMessage.MAX_GROUPS);

    private Session open(String name, List<Name> groups) {
        return sessions.open(Name.of(name), groups, new RecordingOutlet(), Sender.NONE);
    }

    @Test
    void byDefaultAsManyGroupsAsASubscriptionCarries() {
        List<Name> groups = groups(CapMessage.MAX_GROUPS);

        assertThat(open("crowd", groups).groups()).hasSize(CapMessage.MAX_GROUPS);
    }

    @Test
    void aSubscriptionWithMoreGroupsThanAllowedIsRefused() {
        sessions.limits(10, 3);

        assertThatThrownBy(() -> open("greedy", groups(4)))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_GROUPS);
                    assertThat(e.getMessage()).contains("4 groups").contains("allows 3");
                });
        assertThat(sessions.sessions()).isEmpty();
        assertThat(open("modest", groups(3)).groups()).hasSize(3);
    }

    @Test
    void theOwnNameAndRepeatsDoNotCount() {
        sessions.limits(10, 2);

        List<Name> listed = List.of(Name.of("self"), Name.of("g0"), Name.of("g1"), Name.of("g0"));
        assertThat(sessions.open(Name.of("self"), listed, new RecordingOutlet(), Sender.NONE).groups()).containsExactlyInAnyOrder(Name.of("g0"), Name.of("g1"));
    }

    @Test
    void managementCannotAddGroupsBeyondTheLimit() {
        sessions.limits(10, 2);
        open("alice", groups(2));

        assertThatThrownBy(() -> sessions.changeGroups(Name.of("alice"), List.of(Name.of("one-more")), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allows 2");
        assertThat(sessions.session(Name.of("alice")).orElseThrow().groups()).containsExactlyInAnyOrderElementsOf(groups(2));
        sessions.changeGroups(Name.of("alice"), List.of(Name.of("g0")), false);
        sessions.changeGroups(Name.of("alice"), List.of(Name.of("one-more")), true);
        assertThat(sessions.session(Name.of("alice")).orElseThrow().groups()).containsExactlyInAnyOrder(Name.of("g1"), Name.of("one-more"));
    }

    private static List<Name> groups(int count) {
        Name[] groups = new Name[count];
        for (int i = 0; i < count; i++) {
            groups[i] = Name.of("g" + i);
        }
        return List.of(groups);
    }
}
