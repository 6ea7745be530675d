package org.octopipes.router.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.octopipes.api.DropReason;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.testsupport.RecordingOutlet;
import org.octopipes.testsupport.TestLogger;

/** A client may only send as itself: the one exception is the reference C client's NUL in its own origin. */
class ForgedOriginTest {

    /** Vector c_client_origin_nul_bug of the protocol vectors: 'bobby' sends to 'GRP' and says 'bob\0y'. */
    private static final byte[] C_CLIENT_NUL_BUG = HexFormat.of().parseHex(
            "010105626f620079034752503c0000000000000013005002746f2d67726f75702d66726f6d2d626f62627903");

    private final TestLogger log = new TestLogger();
    private final AtomicReference<RoutingPolicy> policy = new AtomicReference<>(new SpecRoutingPolicy());
    private final RouterUnderTest router = new RouterUnderTest(log.logger(), policy::get, 10);

    @Test
    void theOwnNameIsTheOrigin() {
        assertThat(isFrom(origin("bobby"), "GRP", "bobby")).isTrue();
        assertThat(isFrom(origin("bobby"), "somebody-else", "bobby")).isTrue();
    }

    @Test
    void theReferenceCClientsNulAtTheRemotesLengthIsTheSender() {
        StreamDecoder decoder = new StreamDecoder();
        boolean[] from = new boolean[2];
        decoder.feed(ByteBuffer.wrap(C_CLIENT_NUL_BUG), frame -> {
            from[0] = OriginCheck.isFrom(frame, Name.of("bobby"));
            from[1] = OriginCheck.isFrom(frame, Name.of("bob"));
        });
        assertThat(from[0]).as("bobby's packet as the C client writes it").isTrue();
        assertThat(from[1]).as("the same bytes from 'bob'").isFalse();
        assertThat(isFrom(bytes('a', 0, 'c', 'd', 'e'), "R", "abcde")).isTrue();
        assertThat(isFrom(bytes('a', 'b', 'c', 'd', 0), "RRRR", "abcde")).isTrue();
    }

    @Test
    void everyOtherDifferenceIsAForgery() {
        assertThat(isFrom(origin("alice"), "GRP", "bobby")).as("another client's name").isFalse();
        assertThat(isFrom(origin(""), "GRP", "bobby")).as("the server's name").isFalse();
        assertThat(isFrom(origin("bobby2"), "GRP", "bobby")).as("longer").isFalse();
        assertThat(isFrom(origin("bobb"), "GRP", "bobby")).as("shorter").isFalse();
        assertThat(isFrom(bytes('b', 'o', 0, 'b', 'y'), "GRP", "bobby")).as("the NUL not at the remote's length").isFalse();
        assertThat(isFrom(bytes('b', 'o', 'b', 0, 0), "GRP", "bobby")).as("two NULs").isFalse();
        assertThat(isFrom(bytes('x', 'o', 'b', 0, 'y'), "GRP", "bobby")).as("a NUL where the C client puts it, and another byte changed").isFalse();
        assertThat(isFrom(bytes('b', 'o', 'b', 0, 'y'), "GRP", "bobXy")).as("the NUL replaces another byte of the name").isTrue();
        assertThat(isFrom(bytes('b', 'o', 'b', 'b', 0), "bobby-remote", "bobby")).as("a remote as long as the name: the C client writes no NUL into the origin").isFalse();
        assertThat(isFrom(bytes(0, 'o', 'b', 'b', 'y'), "", "bobby")).as("an empty remote").isTrue();
    }

    @Test
    void aForgedPacketGoesNowhereAndIsCountedAndLoggedWithBothNames() {
        RecordingOutlet alice = new RecordingOutlet();
        RecordingOutlet bob = new RecordingOutlet();
        RecordingOutlet carol = new RecordingOutlet();
        Session mallory = router.attach(Name.of("mallory"), List.of(Name.of("team")), new RecordingOutlet());
        Session aliceLink = router.attach(Name.of("alice"), List.of(Name.of("team")), alice);
        router.attach(Name.of("bob"), List.of(Name.of("team")), bob);
        router.attach(Name.of("carol"), List.of(), carol);

        route(mallory, Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload("pay mallory".getBytes()).build());
        route(mallory, Packet.builder().origin(Name.of("alice")).remote(Name.of("team")).payload("to all".getBytes()).build());
        route(mallory, Packet.builder().origin(Name.SERVER).remote(Name.of("carol")).payload("from the server".getBytes()).build());

        assertThat(bob.offered).isEmpty();
        assertThat(carol.offered).isEmpty();
        assertThat(alice.offered).isEmpty();
        assertThat(router.counters().dropped(DropReason.FORGED_ORIGIN)).isEqualTo(3);
        assertThat(router.counters().received()).isEqualTo(3);
        assertThat(router.counters().routed()).isZero();
        assertThat(router.client(Name.of("mallory")).orElseThrow().counters().dropped(DropReason.FORGED_ORIGIN)).isEqualTo(3);
        assertThat(router.client(Name.of("alice")).orElseThrow().counters().droppedTotal()).isZero();
        assertThat(log.lines()).anyMatch(line -> line.startsWith("WARN") && line.contains("mallory") && line.contains("FORGED_ORIGIN")
                && line.contains("claimed the origin 'alice' but is 'mallory'"));

        Packet honest = Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload("hi".getBytes()).build();
        route(aliceLink, honest);
        assertThat(bob.offered).as("the real alice still reaches bob").containsExactly(honest);
    }

    @Test
    void theReferenceCClientsPacketsAreRouted() {
        RecordingOutlet member = new RecordingOutlet();
        Session bobby = router.attach(Name.of("bobby"), List.of(), new RecordingOutlet());
        router.attach(Name.of("other"), List.of(Name.of("GRP")), member);

        new StreamDecoder().feed(ByteBuffer.wrap(C_CLIENT_NUL_BUG), frame -> bobby.route(frame, Sender.NONE, System.nanoTime()));

        assertThat(member.offered).hasSize(1);
        assertThat(member.offered.get(0).toBytes()).as("forwarded as it came, NUL and all").isEqualTo(C_CLIENT_NUL_BUG);
        assertThat(router.counters().dropped(DropReason.FORGED_ORIGIN)).isZero();
    }

    @Test
    void thePacketsTheServerSendsAreNotChecked() {
        RecordingOutlet bob = new RecordingOutlet();
        router.attach(Name.of("bob"), List.of(), bob);

        assertThat(router.send(Packet.builder().origin(Name.SERVER).remote(Name.of("bob")).payload("from the server".getBytes()).build())).isEqualTo(1);
        assertThat(bob.offered).hasSize(1);
    }

    @Test
    void aRelayingClientPassesOnOtherOriginsAndIsNotHandedItsOwnGroupPacketsBack() {
        RecordingOutlet bridgeOutlet = new RecordingOutlet();
        RecordingOutlet member = new RecordingOutlet();
        Session bridge = router.attach(Name.of("mqtt-bridge.site"), List.of(Name.of("team")), bridgeOutlet);
        router.attach(Name.of("member"), List.of(Name.of("team")), member);

        Packet fromElsewhere = Packet.builder().origin(Name.of("alice")).remote(Name.of("team")).payload("from host A".getBytes()).build();
        new StreamDecoder().feed(ByteBuffer.wrap(fromElsewhere.toBytes()), frame -> bridge.relay(frame, Sender.NONE));

        assertThat(member.offered).as("the local member gets it, origin and all").containsExactly(fromElsewhere);
        assertThat(bridgeOutlet.offered).as("the relaying client is the sender: not handed it back").isEmpty();
        assertThat(router.counters().dropped(DropReason.FORGED_ORIGIN)).isZero();

        route(bridge, fromElsewhere);
        assertThat(router.counters().dropped(DropReason.FORGED_ORIGIN)).as("route, unlike relay, checks the origin").isEqualTo(1);
        assertThat(member.offered).hasSize(1);
    }

    private static boolean isFrom(Name origin, String remote, String sender) {
        byte[] packet = Packet.builder().origin(origin).remote(Name.of(remote)).build().toBytes();
        boolean[] result = new boolean[1];
        int[] frames = new int[1];
        new StreamDecoder().feed(ByteBuffer.wrap(packet), (Frame frame) -> {
            frames[0]++;
            result[0] = OriginCheck.isFrom(frame, Name.of(sender));
        });
        assertThat(frames[0]).isEqualTo(1);
        return result[0];
    }

    private static Name origin(String text) {
        return text.isEmpty() ? Name.SERVER : Name.of(text);
    }

    private static Name bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return Name.of(bytes);
    }

    private static void route(Session link, Packet packet) {
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> link.route(frame, Sender.NONE, System.nanoTime()));
    }
}
