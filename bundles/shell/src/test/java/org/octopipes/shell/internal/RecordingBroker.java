package org.octopipes.shell.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.UnknownClientException;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;

/**
 * A broker for unit tests of the commands, where the router's real one cannot run: it holds the
 * clients a test gives it, records what the commands send and tap, and replays packets to a tap.
 */
final class RecordingBroker implements Broker {

    static final Instant SUBSCRIBED = Instant.parse("2030-01-01T10:00:00Z");

    final Map<Name, ClientInfo> clients = new TreeMap<>();
    final List<Packet> sent = new ArrayList<>();
    final List<PolicyInfo> policies = new ArrayList<>();
    final List<PolicyInfo> accessChecks = new ArrayList<>();
    /** Packets each new tap is shown at once, on the caller's thread, before tap() returns. */
    final List<TappedPacket> replayedToTaps = new ArrayList<>();
    final CountDownLatch tapped = new CountDownLatch(1);
    volatile Set<Name> tapNames;
    volatile boolean tapClosed;
    TrafficCounters counters = counters(0, 0, 0);
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
    public List<ClientInfo> clients() {
        return List.copyOf(clients.values());
    }

    @Override
    public Optional<ClientInfo> client(Name name) {
        return Optional.ofNullable(clients.get(name));
    }

    @Override
    public Map<Name, Set<Name>> groups() {
        Map<Name, Set<Name>> groups = new TreeMap<>();
        for (ClientInfo client : clients.values()) {
            for (Name group : client.groups()) {
                groups.computeIfAbsent(group, g -> new TreeSet<>()).add(client.name());
            }
        }
        return groups;
    }

    @Override
    public void subscribe(Name client, Collection<Name> groups) {
        changeGroups(client, groups, true);
    }

    @Override
    public void unsubscribe(Name client, Collection<Name> groups) {
        changeGroups(client, groups, false);
    }

    private void changeGroups(Name name, Collection<Name> groups, boolean add) {
        ClientInfo client = clients.get(name);
        if (client == null) {
            throw new UnknownClientException(name);
        }
        Set<Name> next = new HashSet<>(client.groups());
        if (add) {
            next.addAll(groups);
        } else {
            next.removeAll(groups);
        }
        clients.put(name, new ClientInfo(name, next, client.transport(), client.address(), client.queuedPackets(),
                client.queuedBytes(), client.counters(), client.subscribedAt(), client.lastActivity()));
    }

    @Override
    public boolean kick(Name client) {
        return clients.remove(client) != null;
    }

    @Override
    public int send(Packet packet) {
        sent.add(packet);
        return recipientsPerPacket;
    }

    @Override
    public TrafficCounters counters() {
        return counters;
    }

    @Override
    public List<PolicyInfo> policies() {
        return policies;
    }

    @Override
    public List<PolicyInfo> accessChecks() {
        return accessChecks;
    }

    @Override
    public Tap tap(Set<Name> names, Consumer<TappedPacket> listener) {
        tapNames = names;
        replayedToTaps.forEach(listener);
        tapped.countDown();
        return () -> tapClosed = true;
    }
}
