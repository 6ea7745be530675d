package org.octopipes.sessions.impl;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.UnknownClientException;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.RoutingEngine;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.session.SessionRoute;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.Sessions;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.api.transport.SubscriptionRefusedException.Reason;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.osgi.service.log.Logger;

/**
 * Every client's session, free of OSGi so that it can be tested alone. The one place that decides
 * whether a name is taken and whether the server has room, for every transport; the one that
 * tells the router, one change at a time, which sessions there are; and the keeper of the
 * server's totals. Changes are serialised under one lock; packets never take it.
 */
public final class SessionBook implements Sessions, SessionRegistry {

    private final Logger logger;
    private final DropLog dropLog;
    private final Object changes = new Object();
    /** Guarded by {@link #changes}; in the order the sessions opened. */
    private final Map<Name, OpenSession> byName = new LinkedHashMap<>();
    /** A copy of the sessions for readers that take no lock; replaced at each change. */
    private volatile List<ClientSession> all = List.of();
    /** The engine that routes now, or null; guarded by {@link #changes}. */
    private RoutingEngine engine;
    /** What sessions that closed had counted; guarded by itself. */
    private final TrafficCounter departed = new TrafficCounter();
    /** Every drop, by reason, those of sessions and those of nobody. */
    private final TrafficCounter drops = new TrafficCounter();
    private final TrafficCounter sentByServer = new TrafficCounter();
    private volatile int maxClients;
    private volatile int maxGroups;
    private volatile NameOwners owners = NameOwners.NONE;
    /** Each known user's open sessions, for the quotas; guarded by {@link #changes}. */
    private final Map<String, UserShare> users = new HashMap<>();
    private volatile int quotaClients;
    private volatile long quotaBytes;

    public SessionBook(Logger logger, int maxClients, int maxGroups) {
        this.logger = logger;
        this.dropLog = new DropLog(logger);
        limits(maxClients, maxGroups);
    }

    /** Who owns which names, for the next subscriptions; those open stay. */
    public void owners(NameOwners next) {
        this.owners = next;
    }

    NameOwners owners() {
        return owners;
    }

    /** Quotas per user (0: none), for the next subscriptions and the next packets. */
    public void quotas(int clientsPerUser, long bytesPerUser) {
        this.quotaClients = clientsPerUser;
        this.quotaBytes = bytesPerUser;
    }

    long quotaBytes() {
        return quotaBytes;
    }

    /** Limits for the next subscriptions; those open stay. */
    public void limits(int maxClients, int maxGroups) {
        this.maxClients = maxClients;
        this.maxGroups = Math.min(maxGroups, CapMessage.MAX_GROUPS);
    }

    // ---- Sessions: what transports call

    @Override
    public Session open(Name name, Collection<Name> groups, Outlet outlet, Sender sender, Credentials credentials) {
        if (name.isServer()) {
            throw new SubscriptionRefusedException(Reason.INVALID_NAME, "the empty name is the server's");
        }
        Set<Name> listed = new LinkedHashSet<>(groups);
        listed.remove(name);
        if (listed.contains(Name.SERVER)) {
            throw new SubscriptionRefusedException(Reason.INVALID_NAME, "the empty group is the server's");
        }
        if (listed.size() > maxGroups) {
            throw new SubscriptionRefusedException(Reason.TOO_MANY_GROUPS, "it asked for " + listed.size() + " groups; the server allows " + maxGroups + " per client");
        }
        Optional<String> notOwner = owners.refusal(name, credentials);
        if (notOwner.isPresent()) {
            throw new SubscriptionRefusedException(Reason.NOT_OWNER, notOwner.get());
        }
        synchronized (changes) {
            OpenSession holder = byName.get(name);
            if (holder != null) {
                throw new SubscriptionRefusedException(Reason.NAME_TAKEN, "'" + name + "' is subscribed already, through " + holder.outlet().transport());
            }
            if (byName.size() >= maxClients) {
                throw new SubscriptionRefusedException(Reason.TOO_MANY_CLIENTS, "the server has its maximum of " + maxClients + " clients");
            }
            UserShare share = credentials == null ? null : users.computeIfAbsent(credentials.user(), user -> new UserShare());
            if (share != null && quotaClients > 0 && share.size() >= quotaClients) {
                throw new SubscriptionRefusedException(Reason.TOO_MANY_CLIENTS, "user " + credentials.user() + " has its quota of " + quotaClients
                        + " clients (quota.clients.per.user)");
            }
            OpenSession session = new OpenSession(this, name, listed, outlet, sender, credentials, share);
            if (share != null) {
                share.add(session);
            }
            byName.put(name, session);
            published();
            if (engine != null) {
                session.startRouting(engine.joined(List.of(session)).get(0));
            } else {
                session.holdUntilRouted();
            }
            logger.info("Client '{}' subscribed through {} at {}{}, groups {}{}", name, outlet.transport(), outlet.address(),
                    credentials == null ? "" : " (" + credentials + ")", listed, engine == null ? "; no router yet: its packets wait for one" : "");
            return session;
        }
    }

    @Override
    public void dropped(DropReason reason, int packets, String detail) {
        dropped(null, reason, packets, detail);
    }

    /** Counts and logs a drop; {@code session} is the one it belongs to, or null for the server. */
    void dropped(OpenSession session, DropReason reason, int packets, String detail) {
        drops.dropped(reason, packets);
        if (session != null) {
            session.counter().dropped(reason, packets);
        }
        dropLog.dropped(session == null ? Name.SERVER : session.name(), reason, packets, detail);
    }

    /** A session closed: its name is free, its counts go into the totals, the router forgets it. */
    void closed(OpenSession session) {
        synchronized (changes) {
            if (byName.get(session.name()) != session) {
                return;
            }
            byName.remove(session.name());
            session.credentials().ifPresent(peer -> {
                if (users.get(peer.user()).remove(session)) {
                    users.remove(peer.user());
                }
            });
            published();
            synchronized (departed) {
                departed.absorb(session.counter());
            }
            if (engine != null) {
                engine.left(session);
            }
            logger.info("Client '{}' unsubscribed", session.name());
        }
        dropLog.forget(session.name());
    }

    private void published() {
        all = List.<ClientSession>copyOf(byName.values());
    }

    // ---- SessionRegistry: what the router and management call

    @Override
    public Routing route(RoutingEngine next) {
        synchronized (changes) {
            if (engine != null) {
                // One router at a time: a second one starting takes over from the first.
                stopRouting();
            }
            engine = next;
            List<OpenSession> sessions = List.copyOf(byName.values());
            List<SessionRoute> routes = next.joined(List.copyOf(sessions));
            for (int i = 0; i < sessions.size(); i++) {
                sessions.get(i).startRouting(routes.get(i));
            }
            if (!sessions.isEmpty()) {
                logger.info("A router routes the {} open sessions", sessions.size());
            }
        }
        return () -> {
            synchronized (changes) {
                if (engine == next) {
                    stopRouting();
                    engine = null;
                    for (OpenSession session : byName.values()) {
                        session.holdUntilRouted();
                    }
                    logger.info("No router: {} sessions stay open, their packets waiting for the next one", byName.size());
                }
            }
        };
    }

    /** The engine routing now routes no more; once this returns, no session calls it. */
    private void stopRouting() {
        for (OpenSession session : byName.values()) {
            session.stopRouting();
        }
    }

    @Override
    public List<ClientSession> sessions() {
        return all;
    }

    @Override
    public Optional<ClientSession> session(Name name) {
        synchronized (changes) {
            return Optional.ofNullable(byName.get(name));
        }
    }

    @Override
    public void changeGroups(Name client, Collection<Name> groups, boolean add) {
        synchronized (changes) {
            OpenSession session = byName.get(client);
            if (session == null) {
                throw new UnknownClientException(client);
            }
            changeGroups(session, groups, add);
        }
    }

    /** As {@link #changeGroups(Name, Collection, boolean)}, for a session that changes its own, if it is still open. */
    void changeGroups(OpenSession session, Collection<Name> groups, boolean add) {
        if (groups.contains(Name.SERVER)) {
            throw new IllegalArgumentException("the empty group is the server's");
        }
        synchronized (changes) {
            if (byName.get(session.name()) != session) {
                return;
            }
            Set<Name> next = new HashSet<>(session.groups());
            if (add) {
                next.addAll(groups);
            } else {
                next.removeAll(groups);
            }
            next.remove(session.name());
            if (add && next.size() > maxGroups) {
                throw new IllegalArgumentException("'" + session.name() + "' would be in " + next.size() + " groups; the server allows " + maxGroups + " per client");
            }
            session.groups(next);
            if (engine != null) {
                engine.regrouped(session);
            }
            logger.info("Client '{}' now subscribed to groups {}", session.name(), next);
        }
    }

    @Override
    public TrafficCounter sentByServer() {
        return sentByServer;
    }

    @Override
    public TrafficCounters counters() {
        TrafficCounter.Sum sum;
        synchronized (changes) {
            synchronized (departed) {
                sum = new TrafficCounter.Sum().add(departed);
            }
            synchronized (sentByServer) {
                sum.add(sentByServer);
            }
            for (OpenSession session : byName.values()) {
                sum.add(session.counter());
            }
        }
        return sum.snapshot(drops);
    }

    void kicking(OpenSession session) {
        logger.info("Kicking client '{}'", session.name());
    }
}
