package org.octopipes.router.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.api.session.ClientSession;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;

/**
 * One immutable state of the subscriptions. Changes (a client comes, goes or changes groups) are
 * rare next to packets, so each change builds a new snapshot and routing reads the current one
 * without locks.
 */
final class SubscriptionSnapshot implements SubscriptionTable {

    static final SubscriptionSnapshot EMPTY = new SubscriptionSnapshot(List.of());

    private final List<ClientSession> clients;
    private final NameIndex<ClientSession> byName;
    private final NameIndex<List<Subscriber>> byRemote;

    /** @param clients every client, in the order they subscribed */
    SubscriptionSnapshot(List<ClientSession> clients) {
        this.clients = List.copyOf(clients);
        Map<Name, ClientSession> names = new LinkedHashMap<>();
        Map<Name, List<Subscriber>> remotes = new LinkedHashMap<>();
        for (ClientSession client : this.clients) {
            names.put(client.name(), client);
            remotes.computeIfAbsent(client.name(), name -> new ArrayList<>()).add(client);
            for (Name group : client.groups()) {
                List<Subscriber> members = remotes.computeIfAbsent(group, name -> new ArrayList<>());
                // A client may list its own name as a group, or a group that is another's name; it is one subscriber once.
                if (!members.contains(client)) {
                    members.add(client);
                }
            }
        }
        remotes.replaceAll((remote, members) -> Collections.unmodifiableList(members));
        byName = new NameIndex<>(names);
        byRemote = new NameIndex<>(remotes);
    }

    private SubscriptionSnapshot(List<ClientSession> clients, NameIndex<ClientSession> byName, NameIndex<List<Subscriber>> byRemote) {
        this.clients = clients;
        this.byName = byName;
        this.byRemote = byRemote;
    }

    /*
     * with and without change only the entries of the client's name and groups and share the rest:
     * a thousand clients subscribing one after another made a thousand full rebuilds, about 300 MB
     * of garbage (profiled), which made the collector grow the heap.
     */

    SubscriptionSnapshot with(ClientSession added) {
        List<ClientSession> next = new ArrayList<>(clients.size() + 1);
        next.addAll(clients);
        next.add(added);
        Map<Name, List<Subscriber>> members = new HashMap<>();
        for (Name remote : remotesOf(added)) {
            List<Subscriber> current = members.getOrDefault(remote, subscribersOf(remote));
            if (!current.contains(added)) {
                List<Subscriber> more = new ArrayList<>(current.size() + 1);
                more.addAll(current);
                more.add(added);
                members.put(remote, Collections.unmodifiableList(more));
            }
        }
        return new SubscriptionSnapshot(Collections.unmodifiableList(next), byName.with(Collections.singletonMap(added.name(), added)),
                byRemote.with(members));
    }

    SubscriptionSnapshot without(ClientSession removed) {
        List<ClientSession> next = new ArrayList<>(clients);
        if (!next.remove(removed)) {
            return this;
        }
        Map<Name, List<Subscriber>> members = new HashMap<>();
        for (Name remote : remotesOf(removed)) {
            List<Subscriber> fewer = new ArrayList<>(subscribersOf(remote));
            fewer.remove(removed);
            members.put(remote, fewer.isEmpty() ? null : Collections.unmodifiableList(fewer));
        }
        return new SubscriptionSnapshot(Collections.unmodifiableList(next), byName.with(Collections.singletonMap(removed.name(), null)),
                byRemote.with(members));
    }

    /** The remotes a client receives packets for: its name and its groups. */
    private static List<Name> remotesOf(ClientSession client) {
        List<Name> remotes = new ArrayList<>(client.groups().size() + 1);
        remotes.add(client.name());
        remotes.addAll(client.groups());
        return remotes;
    }

    /** A new snapshot with the same clients, for after a client's groups changed. */
    SubscriptionSnapshot rebuilt() {
        return new SubscriptionSnapshot(clients);
    }

    int size() {
        return clients.size();
    }

    ClientSession client(Name name) {
        return byName.get(name);
    }

    List<ClientSession> clients() {
        return clients;
    }

    @Override
    public List<Subscriber> subscribersOf(Frame packet) {
        List<Subscriber> members = byRemote.get(packet);
        return members == null ? List.of() : members;
    }

    @Override
    public List<Subscriber> subscribersOf(Name remote) {
        List<Subscriber> members = byRemote.get(remote);
        return members == null ? List.of() : members;
    }

    @Override
    public Optional<Subscriber> subscriber(Name name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Collection<Subscriber> subscribers() {
        return Collections.unmodifiableList(clients);
    }
}
