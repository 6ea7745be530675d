package org.octopipes.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running server as management sees it: its clients and groups, changes to them, and its
 * counters. Registered by the router; the shell and JMX use only this, never implementation
 * classes. Every method is safe to call from any thread.
 */
@ProviderType
public interface Broker {

    /** Every subscribed client, sorted by name. */
    List<ClientInfo> clients();

    /** The client with this name, if it is subscribed. */
    Optional<ClientInfo> client(Name name);

    /** Every group with at least one member, and its members, sorted by name. */
    Map<Name, Set<Name>> groups();

    /**
     * Adds groups to a live client's subscription.
     *
     * @throws UnknownClientException if no client has this name
     */
    void subscribe(Name client, Collection<Name> groups);

    /**
     * Removes groups from a live client's subscription; its own name cannot be removed.
     *
     * @throws UnknownClientException if no client has this name
     */
    void unsubscribe(Name client, Collection<Name> groups);

    /**
     * Unsubscribes a client as if it had sent UNSUBSCRIPTION: its FIFOs are deleted and what was
     * queued for it is dropped. It may subscribe again.
     *
     * @return whether a client with this name was subscribed
     */
    boolean kick(Name client);

    /**
     * Routes a packet as if a client had sent it, for packets from the server itself (origin
     * empty) or on a client's behalf.
     *
     * @return the number of recipients it was queued for
     */
    int send(Packet packet);

    /** The server's totals. */
    TrafficCounters counters();

    /** The routing policies installed, highest ranking first; one of them is active. */
    List<PolicyInfo> policies();

    /**
     * The access checks in force, in the order the router asks them, before any policy; each is
     * shown as active. Empty by default, for a broker that applies none.
     */
    default List<PolicyInfo> accessChecks() {
        return List.of();
    }

    /**
     * Shows every packet the router routes from now on, to or from one of {@code names} (every
     * packet when empty), until the returned handle is closed. The listener runs on the routing
     * threads: it must be quick and must not block. Without taps, routing pays nothing for them.
     */
    Tap tap(Set<Name> names, Consumer<TappedPacket> listener);
}
