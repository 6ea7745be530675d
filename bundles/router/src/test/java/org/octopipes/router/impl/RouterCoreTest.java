package org.octopipes.router.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.api.UnknownClientException;
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.Protocol;
import org.octopipes.codec.StreamDecoder;
import org.junit.jupiter.api.Test;
import org.octopipes.testsupport.RecordingOutlet;
import org.octopipes.testsupport.TestLogger;

class RouterCoreTest {

    private final TestLogger log = new TestLogger();
    private final AtomicReference<RoutingPolicy> policy = new AtomicReference<>(new SpecRoutingPolicy());
    private final RouterUnderTest router = new RouterUnderTest(log.logger(), policy::get, 10);

    @Test
    void eachOutletIsHandedTheSenderTheDeadlineFromTheReadTimeAndWhetherTheBridgeImportedIt() {
        RecordingOutlet bob = new RecordingOutlet();
        RecordingOutlet carol = new RecordingOutlet();
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        Session bridge = router.attach(Name.of("bridge"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(Name.of("team")), bob);
        router.attach(Name.of("carol"), List.of(Name.of("team")), carol);
        Sender aliceSender = new CountingSender();
        Sender bridgeSender = new CountingSender();
        long readAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(3);

        Packet toTeam = Packet.builder().origin(Name.of("alice")).remote(Name.of("team")).ttl(7).payload("hi".getBytes()).build();
        new StreamDecoder().feed(ByteBuffer.wrap(toTeam.toBytes()), frame -> alice.route(frame, aliceSender, readAt));
        Packet imported = Packet.builder().origin(Name.of("far")).remote(Name.of("bob")).ttl(0).payload("from afar".getBytes()).build();
        new StreamDecoder().feed(ByteBuffer.wrap(imported.toBytes()), frame -> bridge.relay(frame, bridgeSender));

        RecordingOutlet.Offered teamPacket = new RecordingOutlet.Offered(readAt + TimeUnit.SECONDS.toNanos(7), aliceSender, false);
        assertThat(carol.deliveries).containsExactly(teamPacket);
        assertThat(bob.deliveries).hasSize(2).first().isEqualTo(teamPacket);
        assertThat(bob.deliveries.get(1)).isEqualTo(new RecordingOutlet.Offered(Protocol.NO_DEADLINE, bridgeSender, true));

        router.send(Packet.builder().origin(Name.SERVER).remote(Name.of("carol")).payload("from management".getBytes()).build());
        assertThat(carol.deliveries.get(1).sender()).as("nobody to hold up").isSameAs(Sender.NONE);
        assertThat(carol.deliveries.get(1).imported()).isFalse();
    }

    @Test
    void aNewRouterReReadsTheSessionsAndGoesOnCountingWhereTheOldOneWas() {
        RecordingOutlet bobOutlet = new RecordingOutlet();
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(Name.of("team")), bobOutlet);
        Session leaver = router.attach(Name.of("leaver"), List.of(), new RecordingOutlet());
        send(alice, "bob", 3);
        send(leaver, "bob", 2);
        leaver.close();
        router.send(Packet.builder().origin(Name.SERVER).remote(Name.of("bob")).payload("from management".getBytes()).build());
        router.dropped(DropReason.MALFORMED, 1, "garbage on the CAP");
        Instant aliceSubscribed = router.client(Name.of("alice")).orElseThrow().subscribedAt();

        // The router bundle updated: the next router reads the sessions; nobody attaches again.
        router.stop();
        RouterUnderTest next = new RouterUnderTest(router.sessions, policy::get);
        send(alice, "team", 1);

        assertThat(bobOutlet.deliveries).as("3 from alice, 2 from the leaver, management's, and alice's to the team under the next router").hasSize(7);
        assertThat(next.client(Name.of("alice")).orElseThrow().counters().received()).as("alice's packets, under both routers").isEqualTo(4);
        assertThat(next.counters().received()).as("alice's 4, the leaver's 2 and management's 1").isEqualTo(7);
        assertThat(next.counters().routed()).isEqualTo(7);
        assertThat(next.counters().dropped().get(DropReason.MALFORMED)).isEqualTo(1);
        assertThat(next.client(Name.of("alice")).orElseThrow().subscribedAt()).as("still when alice subscribed").isEqualTo(aliceSubscribed);
    }

    private static void send(Session from, String to, int count) {
        for (int i = 0; i < count; i++) {
            Packet packet = Packet.builder().origin(from.name()).remote(Name.of(to)).payload(new byte[] {(byte) i}).build();
            new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> from.route(frame, Sender.NONE, System.nanoTime()));
        }
    }

    /** A sender that only counts how it is held, so that identity is what a test compares. */
    private static final class CountingSender implements Sender {
        int holds;

        @Override
        public void hold() {
            holds++;
        }

        @Override
        public void release() {
            holds--;
        }
    }

    @Test
    void theLastActivityIsTheTimeTheTransportReadThePacketNotWhenItWasRouted() {
        RecordingOutlet bob = new RecordingOutlet();
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(), bob);
        long readFiveSecondsAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(5);
        Instant before = Instant.now();

        Packet packet = Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload("hi".getBytes()).build();
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> alice.route(frame, Sender.NONE, readFiveSecondsAgo));

        assertThat(bob.offered).hasSize(1);
        Instant lastActivity = router.client(Name.of("alice")).orElseThrow().lastActivity();
        assertThat(Duration.between(lastActivity, before).toMillis()).as("about five seconds before").isBetween(4_000L, 6_000L);
    }

    @Test
    void aPacketToANameReachesThatClientOnly() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet bob = new RecordingOutlet();
        RecordingOutlet carol = new RecordingOutlet();
        Session aliceLink = router.attach(Name.of("alice"), List.of(), alice);
        router.attach(Name.of("bob"), List.of(), bob);
        router.attach(Name.of("carol"), List.of(), carol);

        Packet packet = packet("alice", "bob", "hi");
        route(aliceLink, packet);

        assertThat(bob.offered).containsExactly(packet);
        assertThat(alice.offered).isEmpty();
        assertThat(carol.offered).isEmpty();
        assertThat(router.counters().received()).isEqualTo(1);
        assertThat(router.counters().routed()).isEqualTo(1);
    }

    @Test
    void aPacketToAGroupReachesEveryMemberButItsSender() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet bob = new RecordingOutlet();
        RecordingOutlet carol = new RecordingOutlet();
        Session aliceLink = router.attach(Name.of("alice"), List.of(Name.of("team")), alice);
        router.attach(Name.of("bob"), List.of(Name.of("team")), bob);
        router.attach(Name.of("carol"), List.of(Name.of("other")), carol);

        route(aliceLink, packet("alice", "team", "all"));

        assertThat(bob.offered).hasSize(1);
        assertThat(alice.offered).as("the origin is excluded, as the written spec says").isEmpty();
        assertThat(carol.offered).isEmpty();
    }

    @Test
    void aSendersNextPacketsFollowTheTableAndTheRemoteThoughTheLastRouteIsRemembered() {
        RecordingOutlet bob = new RecordingOutlet();
        RecordingOutlet carol = new RecordingOutlet();
        RecordingOutlet dave = new RecordingOutlet();
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(Name.of("team")), bob);
        router.attach(Name.of("carol"), List.of(), carol);

        route(alice, packet("alice", "team", "1"));
        route(alice, packet("alice", "team", "2"));
        route(alice, packet("alice", "carol", "3"));
        route(alice, packet("alice", "team", "4"));
        router.subscribe(Name.of("carol"), List.of(Name.of("team")));
        route(alice, packet("alice", "team", "5"));
        router.attach(Name.of("dave"), List.of(Name.of("team")), dave);
        route(alice, packet("alice", "team", "6"));
        router.kick(Name.of("bob"));
        route(alice, packet("alice", "team", "7"));

        assertThat(payloads(bob)).containsExactly("1", "2", "4", "5", "6");
        assertThat(payloads(carol)).containsExactly("3", "5", "6", "7");
        assertThat(payloads(dave)).containsExactly("6", "7");
    }

    @Test
    void anotherPolicyInBetweenLeavesNoStaleRouteBehind() {
        RecordingOutlet bob = new RecordingOutlet();
        RecordingOutlet carol = new RecordingOutlet();
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(), bob);
        router.attach(Name.of("carol"), List.of(), carol);
        RoutingPolicy spec = policy.get();

        route(alice, packet("alice", "bob", "1"));
        policy.set((packet, origin, table, recipients) -> table.subscriber(Name.of("carol")).ifPresent(recipients::add));
        route(alice, packet("alice", "bob", "2"));
        policy.set(spec);
        route(alice, packet("alice", "bob", "3"));

        assertThat(payloads(bob)).containsExactly("1", "3");
        assertThat(payloads(carol)).containsExactly("2");
    }

    private static List<String> payloads(RecordingOutlet outlet) {
        return outlet.offered.stream().map(packet -> new String(packet.payloadBytes())).toList();
    }

    @Test
    void theOriginIsTheClientWhoseFifoItCameFromNotTheBytesItClaims() {
        RecordingOutlet bobby = new RecordingOutlet();
        RecordingOutlet member = new RecordingOutlet();
        Session bobbyLink = router.attach(Name.of("bobby"), List.of(Name.of("GRP")), bobby);
        router.attach(Name.of("other"), List.of(Name.of("GRP")), member);

        // The reference C client writes a NUL into its own origin: 'bob\0y'. It is still bobby.
        Packet buggy = Packet.builder().origin(Name.of(new byte[] {'b', 'o', 'b', 0, 'y'})).remote(Name.of("GRP")).build();
        route(bobbyLink, buggy);

        assertThat(member.offered).containsExactly(buggy);
        assertThat(bobby.offered).isEmpty();
    }

    @Test
    void acksAreRoutedLikeAnyPacket() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet bob = new RecordingOutlet();
        router.attach(Name.of("alice"), List.of(), alice);
        Session bobLink = router.attach(Name.of("bob"), List.of(), bob);

        Packet ack = packet("alice", "bob", "x").ack(Name.of("bob"));
        route(bobLink, ack);

        assertThat(alice.offered).containsExactly(ack);
        assertThat(alice.offered.get(0).hasOption(Protocol.OPTION_ACK)).isTrue();
    }

    @Test
    void aRecipientWhoseUserIsOverItsQuotaIsDroppedAsQuotaAndTheOthersGetThePacket() {
        router.sessions.quotas(0, 60);
        RecordingOutlet guest = new RecordingOutlet("unix");
        RecordingOutlet member = new RecordingOutlet("fifo");
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.sessions.open(Name.of("guest"), List.of(Name.of("team")), guest, Sender.NONE, new Credentials("nobody", "nogroup", 2));
        router.attach(Name.of("member"), List.of(Name.of("team")), member);

        route(alice, packet("alice", "team", "first, within the quota"));
        route(alice, packet("alice", "team", "second: nobody's queue is full"));

        assertThat(guest.offered).hasSize(1);
        assertThat(member.offered).as("a member with no quota of its own").hasSize(2);
        assertThat(router.client(Name.of("guest")).orElseThrow().counters().dropped(DropReason.QUOTA)).isEqualTo(1);
        assertThat(router.counters().dropped(DropReason.QUOTA)).isEqualTo(1);
    }

    @Test
    void everyDropIsCountedByReasonForTheClientAndInTotal() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet slow = new RecordingOutlet();
        Session aliceLink = router.attach(Name.of("alice"), List.of(), alice);
        router.attach(Name.of("slow"), List.of(), slow);
        slow.full = true;

        route(aliceLink, packet("alice", "nobody", "lost"));
        route(aliceLink, packet("alice", "slow", "too much"));
        route(aliceLink, packet("alice", "", "for the server"));
        aliceLink.malformed(PacketError.BAD_CHECKSUM);

        assertThat(router.counters().dropped(DropReason.NO_RECIPIENT)).isEqualTo(1);
        assertThat(router.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(1);
        assertThat(router.counters().dropped(DropReason.UNHANDLED)).isEqualTo(1);
        assertThat(router.counters().dropped(DropReason.MALFORMED)).isEqualTo(1);
        assertThat(router.client(Name.of("slow")).orElseThrow().counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(1);
        assertThat(router.client(Name.of("alice")).orElseThrow().counters().dropped(DropReason.NO_RECIPIENT)).isEqualTo(1);
        assertThat(log.lines()).anyMatch(line -> line.startsWith("WARN") && line.contains("QUEUE_FULL") && line.contains("slow"));
    }

    @Test
    void theTotalsKeepWhatClientsThatLeftCountedAndWhatManagementSent() {
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        Session bob = router.attach(Name.of("bob"), List.of(), new RecordingOutlet());
        route(alice, packet("alice", "bob", "one"));
        route(alice, packet("alice", "bob", "two"));
        bob.delivered(2);
        bob.dropped(DropReason.TTL_EXPIRED, 1);

        alice.close();
        bob.close();
        // Reported by a transport after the client left: still a drop of the server's.
        bob.dropped(DropReason.CLIENT_GONE, 1);
        router.attach(Name.of("carol"), List.of(), new RecordingOutlet());
        router.send(Packet.builder().origin(Name.SERVER).remote(Name.of("carol")).payload("three".getBytes()).build());

        assertThat(router.counters().received()).isEqualTo(3);
        assertThat(router.counters().routed()).isEqualTo(3);
        assertThat(router.counters().delivered()).isEqualTo(2);
        assertThat(router.counters().dropped(DropReason.TTL_EXPIRED)).isEqualTo(1);
        assertThat(router.counters().dropped(DropReason.CLIENT_GONE)).isEqualTo(1);
        assertThat(router.client(Name.of("carol")).orElseThrow().counters().received()).as("the server's packet, not carol's").isZero();
    }

    @Test
    void deliveriesReportedByTheTransportAreCounted() {
        Session bob = router.attach(Name.of("bob"), List.of(), new RecordingOutlet());

        bob.delivered(3);
        bob.dropped(DropReason.TTL_EXPIRED, 2);

        assertThat(router.counters().delivered()).isEqualTo(3);
        assertThat(router.client(Name.of("bob")).orElseThrow().counters().delivered()).isEqualTo(3);
        assertThat(router.counters().dropped(DropReason.TTL_EXPIRED)).isEqualTo(2);
    }

    @Test
    void anotherPolicyTakesEffectWithTheNextPacket() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet bob = new RecordingOutlet();
        Session aliceLink = router.attach(Name.of("alice"), List.of(Name.of("team")), alice);
        router.attach(Name.of("bob"), List.of(Name.of("team")), bob);

        policy.set((packet, origin, table, recipients) -> table.subscribersOf(packet).forEach(recipients::add));
        route(aliceLink, packet("alice", "team", "echo"));
        policy.set((packet, origin, table, recipients) -> recipients.deny("closed for the test"));
        route(aliceLink, packet("alice", "team", "denied"));

        assertThat(alice.offered).hasSize(1);
        assertThat(bob.offered).hasSize(1);
        assertThat(router.counters().dropped(DropReason.POLICY_DENIED)).isEqualTo(1);
    }

    @Test
    void accessChecksDenyBeforeAnyPolicyWhateverThePolicyAndInTheirOrder() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet bob = new RecordingOutlet();
        Session guest = router.attach(Name.of("guest"), List.of(Name.of("team")), new RecordingOutlet());
        Session aliceLink = router.attach(Name.of("alice"), List.of(Name.of("team")), alice);
        router.attach(Name.of("bob"), List.of(Name.of("team")), bob);
        List<String> asked = new java.util.ArrayList<>();
        AccessCheck noGuests = (packet, origin) -> {
            asked.add("noGuests");
            return origin != null && origin.name().toString().startsWith("guest") ? "no guests" : null;
        };
        AccessCheck audit = (packet, origin) -> {
            asked.add("audit");
            return null;
        };
        // The policy in force hands every packet to everybody, the sender included, as echo does.
        policy.set((packet, origin, table, recipients) -> table.subscribersOf(packet).forEach(recipients::add));
        router.accessChecks(List.of(noGuests, audit));

        route(guest, packet("guest", "team", "let me in"));
        route(aliceLink, packet("alice", "team", "hello"));

        assertThat(bob.offered).extracting(packet -> new String(packet.payloadBytes())).containsExactly("hello");
        assertThat(alice.offered).as("echo still delivers what the checks let through").hasSize(1);
        assertThat(router.counters().dropped(DropReason.POLICY_DENIED)).isEqualTo(1);
        assertThat(asked).as("in order; a denial ends the checks").containsExactly("noGuests", "noGuests", "audit");

        router.accessChecks(List.of());
        route(guest, packet("guest", "team", "now"));
        assertThat(bob.offered).hasSize(2);
    }

    @Test
    void aRecipientAddedTwiceReceivesOnce() {
        RecordingOutlet bob = new RecordingOutlet();
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(Name.of("bob"), Name.of("team")), bob);
        policy.set((packet, origin, table, recipients) -> {
            table.subscribersOf(Name.of("bob")).forEach(recipients::add);
            table.subscribersOf(Name.of("team")).forEach(recipients::add);
        });

        route(alice, packet("alice", "bob", "once"));

        assertThat(bob.offered).hasSize(1);
    }

    @Test
    void groupsOfALiveClientCanBeChanged() {
        RecordingOutlet bob = new RecordingOutlet();
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(Name.of("a")), bob);

        router.subscribe(Name.of("bob"), List.of(Name.of("b")));
        route(alice, packet("alice", "b", "1"));
        router.unsubscribe(Name.of("bob"), List.of(Name.of("a"), Name.of("bob")));
        route(alice, packet("alice", "a", "2"));
        route(alice, packet("alice", "bob", "3"));

        assertThat(bob.offered).extracting(p -> new String(p.payloadBytes())).containsExactly("1", "3");
        assertThat(router.groups()).containsOnlyKeys(Name.of("b"));
        assertThat(router.groups().get(Name.of("b"))).containsExactly(Name.of("bob"));
        assertThatThrownBy(() -> router.subscribe(Name.of("nobody"), List.of(Name.of("x")))).isInstanceOf(UnknownClientException.class);
    }

    @Test
    void kickingAClientClosesItsOutletAndFreesItsName() {
        RecordingOutlet bob = new RecordingOutlet();
        router.attach(Name.of("bob"), List.of(), bob);

        assertThat(router.kick(Name.of("bob"))).isTrue();
        assertThat(router.kick(Name.of("bob"))).isFalse();

        assertThat(bob.closed).isTrue();
        assertThat(router.clients()).isEmpty();
    }

    @Test
    void theServerCanSendToAGroupAndIsExcludedFromNothing() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet bob = new RecordingOutlet();
        router.attach(Name.of("alice"), List.of(Name.of("team")), alice);
        router.attach(Name.of("bob"), List.of(Name.of("team")), bob);

        int queued = router.send(packet("", "team", "from the server"));

        assertThat(queued).isEqualTo(2);
        assertThat(alice.offered).hasSize(1);
        assertThat(bob.offered).hasSize(1);
    }

    @Test
    void clientInfoShowsGroupsTransportAndCounters() {
        Session alice = router.attach(Name.of("alice"), List.of(Name.of("g")), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(), new RecordingOutlet());
        route(alice, packet("alice", "bob", "x"));

        var info = router.client(Name.of("alice")).orElseThrow();

        assertThat(info.groups()).isEqualTo(Set.of(Name.of("g")));
        assertThat(info.transport()).isEqualTo("test");
        assertThat(info.counters().received()).isEqualTo(1);
        assertThat(router.clients()).extracting(c -> c.name().toString()).containsExactly("alice", "bob");
    }

    @Test
    void aTapSeesTheRoutedPacketsOfItsNamesUntilClosed() {
        Session alice = router.attach(Name.of("alice"), List.of(), new RecordingOutlet());
        router.attach(Name.of("bob"), List.of(Name.of("team")), new RecordingOutlet());
        router.attach(Name.of("carol"), List.of(), new RecordingOutlet());
        List<TappedPacket> all = new java.util.ArrayList<>();
        List<TappedPacket> bobs = new java.util.ArrayList<>();
        Tap everything = router.tap(Set.of(), all::add);
        Tap bob = router.tap(Set.of(Name.of("bob")), bobs::add);

        route(alice, packet("alice", "team", "to the team"));
        route(alice, packet("alice", "carol", "to carol"));
        route(alice, packet("alice", "nobody", "to nobody"));
        bob.close();
        everything.close();
        route(alice, packet("alice", "team", "unseen"));

        assertThat(all).extracting(p -> new String(p.payloadPreview())).containsExactly("to the team", "to carol", "to nobody");
        assertThat(all).extracting(TappedPacket::recipients).containsExactly(1, 1, 0);
        assertThat(bobs).as("bob receives through the group team").extracting(TappedPacket::remote).containsExactly(Name.of("team"));
        assertThat(all.get(0).origin()).isEqualTo(Name.of("alice"));
        assertThat(all.get(0).payloadLength()).isEqualTo(11);
    }

    private static Packet packet(String origin, String remote, String payload) {
        return Packet.builder().origin(Name.of(origin)).remote(Name.of(remote)).payload(payload.getBytes()).build();
    }

    /** Hands a packet to the router the way a transport does: as a frame decoded from bytes. */
    private static void route(Session link, Packet packet) {
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> link.route(frame, Sender.NONE, System.nanoTime()));
    }
}
