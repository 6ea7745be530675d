package org.octopipes.router.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;

/**
 * One immutable state of the subscriptions. Changes (a client comes, goes or changes groups) are
 * rare next to packets, so each change builds a new snapshot and routing reads the current one
 * without locks.
 */
final class SubscriptionSnapshot implements SubscriptionTable {

    static final SubscriptionSnapshot EMPTY = new SubscriptionSnapshot(List.of());

    private final List<ClientRecord> clients;
    private final NameIndex<ClientRecord> byName;
    private final NameIndex<List<Subscriber>> byRemote;

    /** @param clients every client, in the order they subscribed */
    SubscriptionSnapshot(List<ClientRecord> clients) {
        this.clients = List.copyOf(clients);
        Map<Name, ClientRecord> names = new LinkedHashMap<>();
        Map<Name, List<Subscriber>> remotes = new LinkedHashMap<>();
        for (ClientRecord client : this.clients) {
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

    SubscriptionSnapshot with(ClientRecord added) {
        List<ClientRecord> next = new ArrayList<>(clients);
        next.add(added);
        return new SubscriptionSnapshot(next);
    }

    SubscriptionSnapshot without(ClientRecord removed) {
        List<ClientRecord> next = new ArrayList<>(clients);
        next.remove(removed);
        return new SubscriptionSnapshot(next);
    }

    /** A new snapshot with the same clients, for after a client's groups changed. */
    SubscriptionSnapshot rebuilt() {
        return new SubscriptionSnapshot(clients);
    }

    int size() {
        return clients.size();
    }

    ClientRecord client(Name name) {
        return byName.get(name);
    }

    List<ClientRecord> clients() {
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
