package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;

class TopicSchemeTest {

    private final TopicScheme siteA = new TopicScheme("octopipes", "bridge-a");
    private final TopicScheme siteB = new TopicScheme("octopipes/", "bridge-b");

    @Test
    void plainNamesReadAsThemselvesInTopics() {
        assertThat(siteA.groupTopic(Name.of("team"))).isEqualTo("octopipes/group/team/bridge-a");
        assertThat(siteA.clientTopic(Name.of("alice"))).isEqualTo("octopipes/client/alice/bridge-a");
        assertThat(siteA.groupFilter(Name.of("team"))).isEqualTo("octopipes/group/team/+");
        assertThat(siteB.clientFilter()).isEqualTo("octopipes/client/+/+");
    }

    @Test
    void anotherBridgesTopicParsesAndIsNotOwnWhileOwnIsFiltered() {
        TopicScheme.Parsed fromA = siteB.parse(siteA.groupTopic(Name.of("team")));
        assertThat(fromA).isEqualTo(new TopicScheme.Parsed(TopicScheme.Kind.GROUP, Name.of("team"), "bridge-a"));
        assertThat(siteB.isOwn(fromA)).as("B imports what A published").isFalse();
        assertThat(siteA.isOwn(siteA.parse(siteA.groupTopic(Name.of("team"))))).as("A ignores its own publication").isTrue();
        assertThat(siteA.parse(siteB.clientTopic(Name.of("alice"))).kind()).isEqualTo(TopicScheme.Kind.CLIENT);
    }

    @Test
    void presenceAndCreditTopicsParseAndEachBridgeTakesOnlyTheCreditsForItself() {
        assertThat(siteB.presenceTopic()).isEqualTo("octopipes/importer/bridge-b");
        assertThat(siteA.presenceFilter()).isEqualTo("octopipes/importer/+");
        assertThat(siteA.parse(siteB.presenceTopic())).isEqualTo(new TopicScheme.Parsed(TopicScheme.Kind.IMPORTER, null, "bridge-b"));

        String toA = siteB.creditTopic(siteA.bridgeId());
        assertThat(toA).isEqualTo("octopipes/credit/bridge-a/bridge-b");
        assertThat(siteA.creditFilter()).isEqualTo("octopipes/credit/bridge-a/+");
        assertThat(siteA.parse(toA)).isEqualTo(new TopicScheme.Parsed(TopicScheme.Kind.CREDIT, null, "bridge-b"));
        assertThat(siteB.parse(toA)).as("a credit for another exporter").isNull();
        assertThat(siteA.parse("octopipes/importer/")).isNull();
    }

    @Test
    void wildcardsSlashesPercentAndUnprintableBytesAreEscapedOneToOne() {
        Name hostile = Name.of(new byte[] {'a', '/', '+', '#', '%', ' ', 0, (byte) 0xFF});
        String topic = siteA.groupTopic(hostile);
        assertThat(topic).isEqualTo("octopipes/group/a%2F%2B%23%25%20%00%FF/bridge-a");
        assertThat(siteB.parse(topic).name()).isEqualTo(hostile);
        assertThat(new TopicScheme("p", "id/with+wild").bridgeId()).isEqualTo("id%2Fwith%2Bwild");
    }

    @Test
    void foreignAndBrokenTopicsAreNotParsed() {
        assertThat(siteA.parse("other/group/team/x")).isNull();
        assertThat(siteA.parse("octopipes/queue/team/x")).isNull();
        assertThat(siteA.parse("octopipes/group/team")).isNull();
        assertThat(siteA.parse("octopipes/group/team/x/extra")).isNull();
        assertThat(siteA.parse("octopipes/group/%4/x")).isNull();
        assertThat(siteA.parse("octopipes/group/%zz/x")).isNull();
        assertThat(siteA.parse("octopipes/group//x")).isNull();
        assertThat(siteA.parse("octopipes/group/team/")).isNull();
    }

    @Test
    void aPrefixWithWildcardsIsRefused() {
        assertThatThrownBy(() -> new TopicScheme("octo/#", "id")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wildcards");
        assertThatThrownBy(() -> new TopicScheme(" / ", "id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TopicScheme("octopipes", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
