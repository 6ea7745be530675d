package org.octopipes.sessions.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.testsupport.PlainDelivery;
import org.octopipes.testsupport.TestLogger;
import org.octopipes.transport.handover.Parcel;
import org.octopipes.transport.handover.Relay;

/** The holder on its own: a parcel is taken whole, or released when its lease ends or the holder stops. */
class HandoverComponentTest {

    @TempDir
    Path folder;

    private final HandoverComponent holder = new HandoverComponent(TestLogger.printing());

    @Test
    void aParcelNobodyTakesIsReleasedWhenItsLeaseEnds() throws Exception {
        Path fifo = Files.createFile(folder.resolve("alice_rx.fifo"));
        SessionBook sessions = new SessionBook(TestLogger.printing(), 10, 10);
        Relay relay = new Relay("fifo", fifo.toString(), 1024);
        Session session = sessions.open(Name.of("alice"), Set.of(), relay, Sender.NONE);
        relay.session(session);
        relay.park();
        assertThat(offer(relay)).isTrue();
        Parcel parcel = new Parcel().deleteOnRelease(fifo).relay(relay);

        holder.deposit("fifo:test", parcel, Duration.ofMillis(50));

        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fifo));
        assertThat(holder.take("fifo:test")).isEmpty();
        assertThat(relay.isClosed()).isTrue();
        assertThat(sessions.sessions()).as("its session closed").isEmpty();
        assertThat(sessions.counters().dropped(DropReason.CLIENT_GONE)).isEqualTo(1);
    }

    @Test
    void aParcelTakenInTimeIsTheCallersAndSurvivesItsLease() throws Exception {
        Path fifo = Files.createFile(folder.resolve("bob_rx.fifo"));
        Parcel parcel = new Parcel().deleteOnRelease(fifo);
        parcel.snapshot(42);

        holder.deposit("fifo:test", parcel, Duration.ofMillis(200));
        Parcel taken = holder.take("fifo:test").orElseThrow();

        assertThat(taken.snapshot(Integer.class)).contains(42);
        assertThat(taken.snapshot(String.class)).as("a snapshot of another type").isEmpty();
        assertThat(holder.take("fifo:test")).isEmpty();
        holder.deactivate();
        assertThat(fifo).as("released neither by the lease nor by the holder's stop").exists();
    }

    @Test
    void stoppingTheHolderReleasesWhatItHolds() throws Exception {
        Path fifo = Files.createFile(folder.resolve("carol_rx.fifo"));
        holder.deposit("fifo:test", new Parcel().deleteOnRelease(fifo), Duration.ofMinutes(1));

        holder.deactivate();

        assertThat(fifo).doesNotExist();
    }

    private static boolean offer(Relay relay) {
        boolean[] taken = new boolean[1];
        new StreamDecoder().feed(ByteBuffer.wrap(Packet.builder().remote(Name.of("alice")).payload(new byte[] {1}).build().toBytes()),
                frame -> taken[0] = relay.offer(frame, PlainDelivery.within(Duration.ofMinutes(1))));
        return taken[0];
    }

}
