package org.octopipes.router.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Name;
import org.octopipes.sessions.impl.SessionBook;
import org.octopipes.testsupport.RecordingOutlet;
import org.octopipes.testsupport.TestLogger;

/** A snapshot changed client by client answers exactly as one built whole from the same clients. */
class SubscriptionSnapshotTest {

    private final TestLogger log = new TestLogger();

    /** A session of its own book, so that a name can come back after it left. */
    private ClientSession session(Name name, Set<Name> groups) {
        return (ClientSession) new SessionBook(log.logger(), 10, 255).open(name, groups, new RecordingOutlet(), Sender.NONE);
    }

    @Test
    void clientsComingAndGoingInAnyOrderLeaveTheSameTableAsAFullBuild() {
        Random random = new Random(42);
        List<Name> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add(Name.of("c" + i));
        }
        List<Name> groups = List.of(Name.of("red"), Name.of("blue"), Name.of("green"), Name.of("c3"));
        SubscriptionSnapshot snapshot = SubscriptionSnapshot.EMPTY;
        List<ClientSession> present = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            if (present.isEmpty() || random.nextInt(3) > 0) {
                Name name = names.get(random.nextInt(names.size()));
                if (snapshot.client(name) != null) {
                    continue;
                }
                Set<Name> chosen = new HashSet<>();
                for (Name group : groups) {
                    if (random.nextBoolean() && !group.equals(name)) {
                        chosen.add(group);
                    }
                }
                ClientSession client = session(name, chosen);
                snapshot = snapshot.with(client);
                present.add(client);
            } else {
                ClientSession leaving = present.remove(random.nextInt(present.size()));
                snapshot = snapshot.without(leaving);
            }

            SubscriptionSnapshot whole = new SubscriptionSnapshot(present);
            assertThat(snapshot.clients()).containsExactlyElementsOf(whole.clients());
            for (Name name : names) {
                assertThat(snapshot.client(name)).as("client %s at step %d", name, step).isSameAs(whole.client(name));
                assertThat(snapshot.subscribersOf(name)).as("subscribers of %s at step %d", name, step)
                        .containsExactlyElementsOf(whole.subscribersOf(name));
            }
            for (Name group : groups) {
                assertThat(snapshot.subscribersOf(group)).as("members of %s at step %d", group, step)
                        .containsExactlyElementsOf(whole.subscribersOf(group));
            }
        }
    }

    @Test
    void removingAClientThatIsNotThereChangesNothing() {
        ClientSession alice = session(Name.of("alice"), Set.of());
        SubscriptionSnapshot snapshot = SubscriptionSnapshot.EMPTY.with(alice);

        assertThat(snapshot.without(session(Name.of("bob"), Set.of()))).isSameAs(snapshot);
    }
}
