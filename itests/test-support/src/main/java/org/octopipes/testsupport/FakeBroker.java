package org.octopipes.testsupport;

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
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

/** A broker whose clients, counters and policies a test sets by hand, for the tests of what reads the {@link Broker}: JMX, metrics, the Web Console. */
public class FakeBroker implements Broker {

    public final Map<Name, ClientInfo> clients = new ConcurrentSkipListMap<>();
    public final List<PolicyInfo> policies = new CopyOnWriteArrayList<>();
    public final List<PolicyInfo> accessChecks = new CopyOnWriteArrayList<>();
    public volatile TrafficCounters counters = counters(0, 0, 0, Map.of());

    public static TrafficCounters counters(long received, long routed, long delivered, Map<DropReason, Long> dropped) {
        return new TrafficCounters(received, routed, delivered, dropped);
    }

    /** Subscribes a client with these groups and counters, replacing one of the same name. */
    public ClientInfo add(String name, TrafficCounters traffic, String... groups) {
        Set<Name> groupNames = new HashSet<>();
        for (String group : groups) {
            groupNames.add(Name.of(group));
        }
        ClientInfo client = new ClientInfo(Name.of(name), groupNames, "fifo", "/run/" + name + "_rx.fifo", 2, 40,
                traffic, Instant.parse("2026-01-02T03:04:05Z"), Instant.now());
        clients.put(client.name(), client);
        return client;
    }

    public void remove(String name) {
        clients.remove(Name.of(name));
    }

    @Override
    public List<ClientInfo> clients() {
        return new ArrayList<>(clients.values());
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

    @Override
    public boolean kick(Name client) {
        return clients.remove(client) != null;
    }

    @Override
    public int send(Packet packet) {
        throw new UnsupportedOperationException("a fake broker routes nothing");
    }

    @Override
    public TrafficCounters counters() {
        return counters;
    }

    @Override
    public List<PolicyInfo> policies() {
        return List.copyOf(policies);
    }

    @Override
    public List<PolicyInfo> accessChecks() {
        return List.copyOf(accessChecks);
    }

    @Override
    public Tap tap(Set<Name> names, Consumer<TappedPacket> listener) {
        throw new UnsupportedOperationException("a fake broker routes nothing to tap");
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
}
