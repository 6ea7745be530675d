package org.octopipes.router.impl;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.sessions.impl.SessionBook;
import org.osgi.service.log.Logger;

/**
 * A router as the tests use it: the real sessions, the real router routing them, and clients
 * attached as a transport would (their sessions opened with nobody to hold up).
 */
final class RouterUnderTest {

    final SessionBook sessions;
    final RouterCore core;
    private final SessionRegistry.Routing routing;

    RouterUnderTest(Logger logger, Supplier<RoutingPolicy> policy, int maxClients) {
        this(new SessionBook(logger, maxClients, 255), policy);
    }

    /** Another router over the same sessions, as after an update of the router bundle. */
    RouterUnderTest(SessionBook sessions, Supplier<RoutingPolicy> policy) {
        this.sessions = sessions;
        this.core = new RouterCore(sessions, policy);
        this.routing = sessions.route(core);
    }

    /** Stops routing, as the router component does when it stops. */
    void stop() {
        routing.close();
    }

    Session attach(Name name, Collection<Name> groups, Outlet outlet) {
        return sessions.open(name, groups, outlet, Sender.NONE);
    }

    void dropped(DropReason reason, int packets, String detail) {
        sessions.dropped(reason, packets, detail);
    }

    void accessChecks(List<AccessCheck> checks) {
        core.accessChecks(checks);
    }

    List<ClientInfo> clients() {
        return core.clients();
    }

    Optional<ClientInfo> client(Name name) {
        return core.client(name);
    }

    Map<Name, Set<Name>> groups() {
        return core.groups();
    }

    void subscribe(Name name, Collection<Name> groups) {
        core.subscribe(name, groups);
    }

    void unsubscribe(Name name, Collection<Name> groups) {
        core.unsubscribe(name, groups);
    }

    boolean kick(Name name) {
        return core.kick(name);
    }

    int send(Packet packet) {
        return core.send(packet);
    }

    TrafficCounters counters() {
        return core.counters();
    }

    Tap tap(Set<Name> names, Consumer<TappedPacket> listener) {
        return core.tap(names, listener);
    }
}
