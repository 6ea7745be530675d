package org.octopipes.transport.handover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.testsupport.PacketRuns;
import org.octopipes.testsupport.PlainDelivery;
import org.octopipes.testsupport.RecordingOutlet;

/** A relay forwards while a transport serves the client and parks while none does, whichever thread offers. */
class RelayTest {

    private static final PlainDelivery DELIVERY = PlainDelivery.within(Duration.ofMinutes(1));

    private final RecordingOutlet transport = new RecordingOutlet();
    private final Relay relay = new Relay("fifo", "/tmp/alice_rx", 1024);

    @Test
    void theServingThreadsOffersGoToTheTargetUntilItParks() {
        relay.resume(transport, Sender.NONE, Thread.currentThread());

        assertThat(offer("one")).isTrue();
        relay.park();
        assertThat(offer("two")).isTrue();

        assertThat(payloads(transport)).containsExactly("one");
        List<Relay.Parked> parked = relay.resume(transport, Sender.NONE, Thread.currentThread());
        assertThat(parked).hasSize(1);
        RecordingOutlet decoded = new RecordingOutlet();
        new StreamDecoder().feed(ByteBuffer.wrap(parked.get(0).bytes()), frame -> decoded.offer(frame, DELIVERY));
        assertThat(payloads(decoded)).containsExactly("two");
        assertThat(parked.get(0).deadlineNanos()).as("the deadline the router gave it").isEqualTo(DELIVERY.deadlineNanos());
    }

    @Test
    void aRunGoesToTheTargetThatTakesItAndIsDeclinedWhileParkedForItsPacketsToParkOneByOne() throws Exception {
        transport.takesRuns = true;
        relay.resume(transport, Sender.NONE, Thread.currentThread());

        assertThat(offerRun("a", "b")).isTrue();
        assertThat(CompletableFuture.supplyAsync(() -> offerRun("c", "d")).get()).as("from another thread too").isTrue();
        relay.park();
        assertThat(offerRun("e", "f")).as("parked: declined, nothing parked for it").isFalse();

        assertThat(payloads(transport)).containsExactly("a", "b", "c", "d");
        assertThat(transport.runs).containsExactly(2, 2);
        assertThat(relay.queuedPackets()).isZero();
    }

    /** Offers the packets as the run a decoder hands out; returns whether the relay took it. */
    private boolean offerRun(String... payloads) {
        List<Packet> packets = new java.util.ArrayList<>();
        for (String payload : payloads) {
            packets.add(Packet.builder().origin(Name.of("alice")).remote(Name.of("bob")).payload(payload.getBytes()).build());
        }
        return PacketRuns.asRun(packets, run -> relay.offer(run, DELIVERY));
    }

    @Test
    void anotherThreadsOffersTakeTheLockedWayToTheSameTarget() throws Exception {
        relay.resume(transport, Sender.NONE, Thread.currentThread());

        assertThat(CompletableFuture.supplyAsync(() -> offer("from elsewhere")).get()).isTrue();
        relay.park();
        assertThat(CompletableFuture.supplyAsync(() -> offer("parked")).get()).isTrue();

        assertThat(payloads(transport)).containsExactly("from elsewhere");
        assertThat(relay.queuedPackets()).isEqualTo(1);
    }

    @Test
    void aThreadThatNoLongerServesTheClientDoesNotReachTheOldTarget() throws Exception {
        Thread previous = new Thread(() -> { });
        relay.resume(transport, Sender.NONE, previous);
        relay.park();
        RecordingOutlet next = new RecordingOutlet();
        relay.resume(next, Sender.NONE, Thread.currentThread());

        assertThat(offer("after the update")).isTrue();

        assertThat(payloads(transport)).isEmpty();
        assertThat(payloads(next)).containsExactly("after the update");
    }

    private boolean offer(String payload) {
        Packet packet = Packet.builder().origin(Name.of("bob")).remote(Name.of("alice")).payload(payload.getBytes()).build();
        boolean[] taken = new boolean[1];
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> taken[0] = relay.offer(frame, DELIVERY));
        return taken[0];
    }

    private static List<String> payloads(RecordingOutlet outlet) {
        return outlet.offered.stream().map(packet -> new String(packet.payloadBytes())).toList();
    }
}
