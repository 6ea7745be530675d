package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;

class CreditWindowTest {

    private static final Name TEAM = Name.of("team");
    private static final Name OPS = Name.of("ops");
    private static final long TIMEOUT_MILLIS = 3000;
    private static final long MILLI = 1_000_000L;

    private CreditWindow credits;

    @BeforeEach
    void exportTeamAndOps() {
        credits = new CreditWindow(8, TIMEOUT_MILLIS);
        credits.exports(Set.of(TEAM, OPS));
    }

    /** Publishes {@code count} packets to {@code group} while the window lets it; returns the marks asked for. */
    private List<CreditWindow.Mark> publish(Name group, int count) {
        List<CreditWindow.Mark> marks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            assertThat(credits.mayPublish(group, 1)).as("publication %d of %d to %s within the window", i + 1, count, group).isTrue();
            CreditWindow.Mark mark = credits.published(group);
            if (mark != null) {
                marks.add(mark);
            }
        }
        return marks;
    }

    @Test
    void withoutAnnouncedImportersNothingWaitsAndNoMarkIsPublished() {
        assertThat(publish(TEAM, 100)).isEmpty();
        assertThat(credits.marksWhileWaiting()).isEmpty();
    }

    @Test
    void anImporterGetsAMarkEveryQuarterWindowAndHoldsThePublisherAtTheWindowUntilItConfirms() {
        credits.present("b", Set.of(TEAM));
        assertThat(publish(TEAM, 8)).containsExactly(new CreditWindow.Mark(TEAM, 2), new CreditWindow.Mark(TEAM, 4),
                new CreditWindow.Mark(TEAM, 6), new CreditWindow.Mark(TEAM, 8));
        assertThat(credits.outstanding("b")).isEqualTo(8);
        assertThat(credits.mayPublish(TEAM, 1)).as("a ninth beyond the window of 8").isFalse();
        // Another group that b does not import goes on.
        assertThat(credits.mayPublish(OPS, 1)).isTrue();

        credits.credit("b", TEAM, 2);
        assertThat(credits.outstanding("b")).isEqualTo(6);
        assertThat(publish(TEAM, 2)).containsExactly(new CreditWindow.Mark(TEAM, 10));
        assertThat(credits.mayPublish(TEAM, 1)).isFalse();
    }

    @Test
    void aCreditIsCumulativeAndNeitherGoesBackNorBeyondWhatWasPublished() {
        credits.present("b", Set.of(TEAM));
        publish(TEAM, 8);
        credits.credit("b", TEAM, 6);
        credits.credit("b", TEAM, 4);
        assertThat(credits.outstanding("b")).as("an older credit arriving late changes nothing").isEqualTo(2);
        credits.credit("b", TEAM, 1000);
        assertThat(credits.outstanding("b")).as("no credit beyond the publications").isZero();
    }

    @Test
    void anImporterOfSeveralGroupsCountsThemTogetherAsTheBrokerQueuesThemTogether() {
        credits.present("b", Set.of(TEAM, OPS, Name.of("not-exported")));
        publish(TEAM, 5);
        publish(OPS, 3);
        assertThat(credits.outstanding("b")).isEqualTo(8);
        assertThat(credits.mayPublish(TEAM, 1)).isFalse();
        assertThat(credits.mayPublish(OPS, 1)).isFalse();
        credits.credit("b", OPS, 2);
        assertThat(credits.mayPublish(TEAM, 1)).isTrue();
    }

    @Test
    void everyImporterOfAGroupIsWaitedForAndTheSlowestSetsThePace() {
        credits.present("b", Set.of(TEAM));
        credits.present("c", Set.of(TEAM));
        publish(TEAM, 8);
        credits.credit("b", TEAM, 8);
        assertThat(credits.mayPublish(TEAM, 1)).as("c has confirmed nothing").isFalse();
        credits.credit("c", TEAM, 4);
        assertThat(credits.mayPublish(TEAM, 1)).isTrue();
    }

    @Test
    void anImporterThatIsGoneIsNoLongerWaitedForAndOneThatComesBackIsCountedFromThere() {
        credits.present("b", Set.of(TEAM));
        publish(TEAM, 8);
        assertThat(credits.gone("b")).isTrue();
        assertThat(credits.mayPublish(TEAM, 1)).isTrue();
        publish(TEAM, 100);

        credits.present("b", Set.of(TEAM));
        assertThat(credits.outstanding("b")).as("what it may have queued before is not known").isZero();
        publish(TEAM, 8);
        assertThat(credits.mayPublish(TEAM, 1)).isFalse();
    }

    @Test
    void anImporterThatKeepsThePublisherWaitingPastTheTimeoutIsGivenUpOnceAndWaitedForAgainOnceItCatchesUp() {
        credits.present("b", Set.of(TEAM));
        credits.present("c", Set.of(TEAM));
        publish(TEAM, 8);
        credits.credit("c", TEAM, 8);
        assertThat(credits.mayPublish(TEAM, 10 * MILLI)).isFalse();
        assertThat(credits.expire(10 * MILLI + TIMEOUT_MILLIS * MILLI)).as("not before the timeout").isEmpty();
        assertThat(credits.expire(11 * MILLI + TIMEOUT_MILLIS * MILLI)).containsExactly("b");
        assertThat(credits.expire(20_000 * MILLI)).as("logged once").isEmpty();
        assertThat(credits.givenUp()).isEqualTo(1);
        assertThat(credits.waitedFor()).containsExactly("c");
        assertThat(credits.mayPublish(TEAM, 20_000 * MILLI)).as("c, live, is within its window").isTrue();
        publish(TEAM, 4);

        // b confirms again, but is still more than a window behind: not waited for yet.
        assertThat(credits.credit("b", TEAM, 2)).isNull();
        assertThat(credits.waitedFor()).containsExactly("c");
        assertThat(credits.credit("b", TEAM, 8)).isEqualTo(new CreditWindow.Change("b", true));
        assertThat(credits.waitedFor()).containsExactly("b", "c");
    }

    @Test
    void aCreditWhileWaitingStartsTheTimeoutAgain() {
        credits.present("b", Set.of(TEAM));
        publish(TEAM, 8);
        assertThat(credits.mayPublish(TEAM, MILLI)).isFalse();
        credits.credit("b", TEAM, 1);
        publish(TEAM, 1);
        assertThat(credits.mayPublish(TEAM, 2000 * MILLI)).isFalse();
        assertThat(credits.expire(MILLI + TIMEOUT_MILLIS * MILLI + MILLI)).as("it confirmed something at 2 s").isEmpty();
        assertThat(credits.expire(2000 * MILLI + TIMEOUT_MILLIS * MILLI + MILLI)).containsExactly("b");
    }

    @Test
    void anImporterThatLeftAndCameBackIsNotGivenUpForTheOldWait() {
        credits.present("b", Set.of(TEAM));
        publish(TEAM, 8);
        assertThat(credits.mayPublish(TEAM, MILLI)).isFalse();
        credits.present("b", Set.of(TEAM));
        credits.gone("b");
        credits.present("b", Set.of(TEAM));
        assertThat(credits.expire(TIMEOUT_MILLIS * MILLI * 10)).isEmpty();
    }

    @Test
    void whileWaitingTheUnmarkedTailIsMarkedAndAfterALostConnectionEveryGroupIsMarkedAgain() {
        credits = new CreditWindow(9, TIMEOUT_MILLIS);
        credits.exports(Set.of(TEAM, OPS));
        credits.present("b", Set.of(TEAM));
        assertThat(publish(TEAM, 9)).extracting(CreditWindow.Mark::position).containsExactly(2L, 4L, 6L, 8L);
        assertThat(credits.marksWhileWaiting()).as("the ninth, after the last mark").containsExactly(new CreditWindow.Mark(TEAM, 9));
        assertThat(credits.marksWhileWaiting()).as("marked already").isEmpty();

        credits.marksLost();
        assertThat(credits.marksWhileWaiting()).as("ops has no importer: no mark for nobody").containsExactly(new CreditWindow.Mark(TEAM, 9));
    }

    @Test
    void aReannouncementKeepsWhatWasConfirmedAndALaterGroupStartsAtItsPositionNow() {
        credits.present("b", Set.of(TEAM));
        publish(TEAM, 6);
        publish(OPS, 5);
        credits.credit("b", TEAM, 2);
        credits.present("b", Set.of(TEAM, OPS));
        assertThat(credits.outstanding("b")).isEqualTo(4);
    }

    @Test
    void creditsFromUnknownImportersOrForGroupsTheyDoNotImportCountForNothing() {
        credits.present("b", Set.of(TEAM));
        publish(TEAM, 8);
        assertThat(credits.credit("x", TEAM, 8)).isNull();
        assertThat(credits.credit("b", OPS, 8)).isNull();
        assertThat(credits.outstanding("b")).isEqualTo(8);
        assertThat(credits.present("d", Set.of(Name.of("not-exported")))).isNull();
        assertThat(credits.waitedFor()).containsExactly("b");
    }
}
