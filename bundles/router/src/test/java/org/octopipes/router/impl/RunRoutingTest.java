package org.octopipes.router.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.octopipes.api.DropReason;
import org.octopipes.api.Tap;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.PacketRuns;
import org.octopipes.testsupport.RecordingOutlet;
import org.octopipes.testsupport.TestLogger;

/**
 * Runs of packets with one header, routed with one decision and one copy per recipient where that
 * routes each packet as routing it alone would, and packet by packet where it would not.
 */
class RunRoutingTest {

    private static final Name TEAM = Name.of("team");

    private final TestLogger log = new TestLogger();
    private final AtomicReference<RoutingPolicy> policy = new AtomicReference<>(new SpecRoutingPolicy());
    private final RouterUnderTest router = new RouterUnderTest(log.logger(), policy::get, 10);
    private final RecordingOutlet bob = takingRuns();
    private final RecordingOutlet carol = takingRuns();
    private final Session alice = router.attach(Name.of("alice"), List.of(TEAM), takingRuns());

    RunRoutingTest() {
        router.attach(Name.of("bob"), List.of(TEAM), bob);
        router.attach(Name.of("carol"), List.of(TEAM), carol);
    }

    private static RecordingOutlet takingRuns() {
        RecordingOutlet outlet = new RecordingOutlet();
        outlet.takesRuns = true;
        return outlet;
    }

    private static List<Packet> packets(String origin, String remote, int count) {
        List<Packet> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            packets.add(Packet.builder().origin(Name.of(origin)).remote(Name.of(remote)).ttl(9).payload(("packet " + i).getBytes()).build());
        }
        return packets;
    }

    /** Feeds the session as a transport does: runs to {@code route(run)}, the rest and what it declines packet by packet; returns its answers to the runs. */
    private static List<Boolean> feed(Session session, long readNanos, List<Packet> packets) {
        List<Boolean> runsTaken = new ArrayList<>();
        PacketRuns.feed(packets, run -> {
            boolean taken = session.route(run, Sender.NONE, readNanos);
            runsTaken.add(taken);
            return taken;
        }, frame -> session.route(frame, Sender.NONE, readNanos));
        return runsTaken;
    }

    @Test
    void aRunToAGroupReachesEveryMemberWholeInOrderWithOneCopyEachAndCountsEveryPacket() {
        List<Packet> sent = packets("alice", "team", 5);
        long readAt = System.nanoTime();

        assertThat(feed(alice, readAt, sent)).containsExactly(true);

        assertThat(bob.offered).containsExactlyElementsOf(sent);
        assertThat(carol.offered).containsExactlyElementsOf(sent);
        assertThat(bob.runs).as("one offer of the whole run").containsExactly(5);
        assertThat(carol.runs).containsExactly(5);
        assertThat(bob.deliveries).allSatisfy(delivery -> assertThat(delivery.deadlineNanos()).isEqualTo(readAt + TimeUnit.SECONDS.toNanos(9)));
        TrafficCounters alices = router.client(Name.of("alice")).orElseThrow().counters();
        assertThat(alices.received()).isEqualTo(5);
        assertThat(alices.routed()).isEqualTo(5);
    }

    @Test
    void aFirstRecipientThatCannotTakeTheRunMakesItGoPacketByPacketAndNothingTwice() {
        router.unsubscribe(Name.of("carol"), List.of(TEAM));
        bob.takesRuns = false;
        List<Packet> sent = packets("alice", "team", 4);

        assertThat(feed(alice, System.nanoTime(), sent)).as("declined, nothing queued for it").containsExactly(false);

        assertThat(bob.offered).containsExactlyElementsOf(sent);
        assertThat(bob.runs).isEmpty();
        assertThat(router.client(Name.of("alice")).orElseThrow().counters().received()).as("each once").isEqualTo(4);
    }

    @Test
    void aRunIsCountedAsReceivedBeforeAnyRecipientIsOfferedItTakenOrDeclined() {
        router.unsubscribe(Name.of("carol"), List.of(TEAM));
        List<Long> countedAtOffer = new ArrayList<>();
        RecordingOutlet dave = new RecordingOutlet() {
            @Override
            public boolean offer(org.octopipes.codec.FrameRun run, org.octopipes.api.transport.Delivery delivery) {
                // Another transport's thread may write them at once: the sender's count must hold them already.
                countedAtOffer.add(router.client(Name.of("alice")).orElseThrow().counters().received());
                return super.offer(run, delivery);
            }
        };
        router.attach(Name.of("dave"), List.of(), dave);

        dave.takesRuns = true;
        assertThat(feed(alice, System.nanoTime(), packets("alice", "dave", 3))).containsExactly(true);
        dave.takesRuns = false;
        assertThat(feed(alice, System.nanoTime(), packets("alice", "dave", 4))).containsExactly(false);
        assertThat(feed(alice, System.nanoTime(), packets("alice", "dave", 2))).containsExactly(false);

        assertThat(countedAtOffer).containsExactly(3L, 7L, 9L);
        assertThat(dave.offered).hasSize(9);
        assertThat(router.client(Name.of("alice")).orElseThrow().counters().received()).as("each once").isEqualTo(9);
    }

    @Test
    void aLaterRecipientThatCannotTakeTheRunGetsItsPacketsOneByOneAndTheOthersTheRun() {
        carol.takesRuns = false;
        List<Packet> sent = packets("alice", "team", 3);

        assertThat(feed(alice, System.nanoTime(), sent)).containsExactly(true);

        assertThat(bob.runs).containsExactly(3);
        assertThat(carol.runs).isEmpty();
        assertThat(carol.offered).containsExactlyElementsOf(sent);
        assertThat(router.client(Name.of("alice")).orElseThrow().counters().received()).isEqualTo(3);
    }

    @Test
    void aRecipientWhoseQueueIsFullCountsEachPacketOfTheRunAsDropped() {
        carol.full = true;

        feed(alice, System.nanoTime(), packets("alice", "team", 3));

        assertThat(bob.offered).hasSize(3);
        assertThat(router.client(Name.of("carol")).orElseThrow().counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(3);
    }

    @Test
    void aPolicyThatDecidesPerPacketAnAccessCheckOrATapSeeEveryPacketOfARun() {
        List<Packet> sent = packets("alice", "bob", 4);
        List<String> seenByCheck = new ArrayList<>();
        AccessCheck everyPacket = (packet, origin) -> {
            seenByCheck.add(new String(packet.toPacket().payloadBytes()));
            return null;
        };
        router.accessChecks(List.of(everyPacket));
        assertThat(feed(alice, System.nanoTime(), sent)).containsExactly(false);
        assertThat(seenByCheck).containsExactly("packet 0", "packet 1", "packet 2", "packet 3");
        router.accessChecks(List.of());

        List<Integer> tapped = new ArrayList<>();
        Tap tap = router.tap(Set.of(), packet -> tapped.add(packet.payloadLength()));
        assertThat(feed(alice, System.nanoTime(), sent)).containsExactly(false);
        assertThat(tapped).hasSize(4);
        tap.close();

        List<Integer> decided = new ArrayList<>();
        SpecRoutingPolicy spec = new SpecRoutingPolicy();
        policy.set((packet, origin, table, recipients) -> {
            decided.add(packet.payloadLength());
            spec.route(packet, origin, table, recipients);
        });
        assertThat(feed(alice, System.nanoTime(), sent)).containsExactly(false);
        assertThat(decided).hasSize(4);

        assertThat(bob.offered).hasSize(12);
        assertThat(bob.runs).as("never as a run while one of them was there").isEmpty();
    }

    @Test
    void aRunClaimingAnotherOriginIsDroppedWholeAndCountedPerPacket() {
        assertThat(feed(alice, System.nanoTime(), packets("mallory", "team", 6))).containsExactly(true);

        assertThat(bob.offered).isEmpty();
        TrafficCounters alices = router.client(Name.of("alice")).orElseThrow().counters();
        assertThat(alices.dropped(DropReason.FORGED_ORIGIN)).isEqualTo(6);
        assertThat(alices.received()).isEqualTo(6);
    }

    @Test
    void aRunToNobodyIsCountedPerPacket() {
        feed(alice, System.nanoTime(), packets("alice", "nobody", 4));

        assertThat(router.client(Name.of("alice")).orElseThrow().counters().dropped(DropReason.NO_RECIPIENT)).isEqualTo(4);
    }
}
