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

    /**
     * Every subscribed client.
     *
     * @return the clients, sorted by name
     */
    List<ClientInfo> clients();

    /**
     * One client.
     *
     * @param name the client's name
     * @return the client with this name, or empty if none is subscribed
     */
    Optional<ClientInfo> client(Name name);

    /**
     * Every group with at least one member.
     *
     * @return each group's members, sorted by group name
     */
    Map<Name, Set<Name>> groups();

    /**
     * Adds groups to a live client's subscription.
     *
     * @param client the client's name
     * @param groups the groups to add; those it is in already are left as they are
     * @throws UnknownClientException if no client has this name
     */
    void subscribe(Name client, Collection<Name> groups);

    /**
     * Removes groups from a live client's subscription; its own name cannot be removed.
     *
     * @param client the client's name
     * @param groups the groups to leave
     * @throws UnknownClientException if no client has this name
     */
    void unsubscribe(Name client, Collection<Name> groups);

    /**
     * Unsubscribes a client as if it had sent UNSUBSCRIPTION: its FIFOs are deleted and what was
     * queued for it is dropped. It may subscribe again.
     *
     * @param client the client's name
     * @return whether a client with this name was subscribed
     */
    boolean kick(Name client);

    /**
     * Routes a packet as if a client had sent it, for packets from the server itself (origin
     * empty) or on a client's behalf.
     *
     * @param packet the packet, routed by its remote
     * @return the number of recipients it was queued for
     */
    int send(Packet packet);

    /**
     * The server's totals.
     *
     * @return the counters since the server started, across router updates
     */
    TrafficCounters counters();

    /**
     * The routing policies installed.
     *
     * @return the policies, highest ranking first; one of them is active
     */
    List<PolicyInfo> policies();

    /**
     * The access checks in force, in the order the router asks them, before any policy; each is
     * shown as active. Empty by default, for a broker that applies none.
     *
     * @return the access checks, the first asked first
     */
    default List<PolicyInfo> accessChecks() {
        return List.of();
    }

    /**
     * Shows every packet the router routes from now on, to or from one of {@code names} (every
     * packet when empty), until the returned handle is closed. The listener runs on the routing
     * threads: it must be quick and must not block. Without taps, routing pays nothing for them.
     *
     * @param names the clients or groups to watch; empty for every packet
     * @param listener called with each packet shown
     * @return the handle that ends the tap when closed
     */
    Tap tap(Set<Name> names, Consumer<TappedPacket> listener);
}
