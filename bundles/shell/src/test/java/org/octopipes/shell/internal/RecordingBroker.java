package org.octopipes.shell.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.api.TrafficCounters;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.FakeBroker;

/**
 * A broker for unit tests of the commands, where the router's real one cannot run: the fake broker
 * the other readers of Broker test with, which also records what the commands send and tap, and
 * replays packets to a tap.
 */
final class RecordingBroker extends FakeBroker {

    static final Instant SUBSCRIBED = Instant.parse("2030-01-01T10:00:00Z");

    final List<Packet> sent = new ArrayList<>();
    /** Packets each new tap is shown at once, on the caller's thread, before tap() returns. */
    final List<TappedPacket> replayedToTaps = new ArrayList<>();
    final CountDownLatch tapped = new CountDownLatch(1);
    volatile Set<Name> tapNames;
    volatile boolean tapClosed;
    int recipientsPerPacket = 1;

    static TrafficCounters counters(long received, long delivered, long noRecipient) {
        return new TrafficCounters(received, received, delivered, Map.of(DropReason.NO_RECIPIENT, noRecipient));
    }

    RecordingBroker withClient(String name, String... groups) {
        Set<Name> groupNames = new HashSet<>();
        for (String group : groups) {
            groupNames.add(Name.of(group));
        }
        clients.put(Name.of(name), new ClientInfo(Name.of(name), groupNames, "fifo", "/run/" + name + "_rx.fifo", 0, 0,
                counters(3, 5, 1), SUBSCRIBED, Instant.now()));
        return this;
    }

    @Override
    public int send(Packet packet) {
        sent.add(packet);
        return recipientsPerPacket;
    }

    @Override
    public Tap tap(Set<Name> names, Consumer<TappedPacket> listener) {
        tapNames = names;
        replayedToTaps.forEach(listener);
        tapped.countDown();
        return () -> tapClosed = true;
    }
}
