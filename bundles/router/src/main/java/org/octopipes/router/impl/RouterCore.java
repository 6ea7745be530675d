package org.octopipes.router.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.UnknownClientException;
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Router;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.api.transport.TrafficTotals;
import org.octopipes.api.transport.SubscriptionRefusedException.Reason;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.osgi.service.log.Logger;

/**
 * The router proper, free of OSGi so that it can be tested alone: admits clients, keeps the
 * subscription table, routes each packet through the active policy to its recipients' outlets,
 * and counts everything. Thread-safe: packets are routed concurrently without locks; changes to
 * the subscriptions are serialised and publish a new snapshot.
 */
final class RouterCore implements Router {

    private final Logger logger;
    private final DropLog dropLog;
    private final Supplier<RoutingPolicy> policy;
    /**
     * The server's totals are summed when asked, from its clients' counters and these, which
     * outlive this router: what management sent (guarded by itself), what clients that left had
     * counted (guarded by itself: an earlier router's late departures may come at the same time),
     * and every drop, counted there as well as on its client's counter (drops are rare, and a
     * client's drops may be reported after it left).
     */
    private final TrafficCounter sentByServer;
    private final TrafficCounter departed;
    private final TrafficCounter allDrops;
    private final TapSet taps = new TapSet();
    private final Object changes = new Object();
    private volatile SubscriptionSnapshot table = SubscriptionSnapshot.EMPTY;
    /** The access checks in force, highest ranking first; replaced as a whole when one comes or goes. */
    private volatile AccessCheck[] accessChecks = new AccessCheck[0];
    private volatile int maxClients;
    /** The most a SUBSCRIPTION can carry, unless configured lower. */
    private volatile int maxGroups = CapMessage.MAX_GROUPS;

    /** A router whose totals start from zero: for tests, and a server without the handover bundle. */
    RouterCore(Logger logger, Supplier<RoutingPolicy> policy, int maxClients) {
        this(logger, policy, maxClients, TrafficTotals.inMemory());
    }

    /** A router that adds to {@code totals}, which outlive it. */
    RouterCore(Logger logger, Supplier<RoutingPolicy> policy, int maxClients, TrafficTotals totals) {
        this.sentByServer = totals.sentByServer();
        this.departed = totals.departed();
        this.allDrops = totals.drops();
        this.logger = logger;
        this.dropLog = new DropLog(logger);
        this.policy = policy;
        this.maxClients = maxClients;
    }

    void maxClients(int maxClients) {
        this.maxClients = maxClients;
    }

    void maxGroups(int maxGroups) {
        this.maxGroups = maxGroups;
    }

    /** The access checks to apply from the next packet on, in this order. */
    void accessChecks(List<AccessCheck> checks) {
        this.accessChecks = checks.toArray(AccessCheck[]::new);
    }

    // ---- Router: what transports call

    @Override
    public ClientLink attach(Name name, Collection<Name> groups, Outlet outlet) {
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
        synchronized (changes) {
            ClientRecord holder = table.client(name);
            if (holder != null) {
                throw new SubscriptionRefusedException(Reason.NAME_TAKEN, "'" + name + "' is subscribed already, through " + holder.outlet().transport());
            }
            if (table.size() >= maxClients) {
                throw new SubscriptionRefusedException(Reason.TOO_MANY_CLIENTS, "the server has its maximum of " + maxClients + " clients");
            }
            ClientRecord client = new ClientRecord(this, name, listed, outlet);
            table = table.with(client);
            logger.info("Client '{}' subscribed through {} at {}, groups {}", name, outlet.transport(), outlet.address(), listed);
            return client;
        }
    }

    @Override
    public void dropped(DropReason reason, int packets, String detail) {
        dropped(null, reason, packets, detail);
    }

    void remove(ClientRecord client) {
        synchronized (changes) {
            if (table.client(client.name()) == client) {
                table = table.without(client);
                synchronized (departed) {
                    departed.absorb(client.counter());
                }
                logger.info("Client '{}' unsubscribed", client.name());
            }
        }
        dropLog.forget(client.name());
    }

    // ---- Routing: the per-packet path

    /**
     * @param checkOrigin whether the packet's origin must be the sending client's name: false for a
     *        packet the client relays for a client elsewhere
     * @param counts where the packet is counted: the sender's counter, written by its routing thread only
     * @param delivery what each recipient's outlet is handed with the packet
     * @return the number of recipients the packet was queued for
     */
    int route(ClientRecord origin, Frame packet, RecipientCollector recipients, boolean checkOrigin, TrafficCounter counts, Delivery delivery) {
        counts.received();
        if (checkOrigin && origin != null && !OriginCheck.isFrom(packet, origin.name())) {
            // Whoever can write a client's TX FIFO is that client; a packet claiming to be from
            // someone else would let a client pass itself off as another, so it goes nowhere.
            dropped(origin, DropReason.FORGED_ORIGIN, 1, "it claimed the origin '" + packet.origin() + "' but is '" + origin.name() + "'");
            return 0;
        }
        if (packet.remoteLength() == 0) {
            // Nothing in protocol v1 is addressed to the server on a TX FIFO; count it, do not guess.
            dropped(origin, DropReason.UNHANDLED, 1, "a packet for the server itself");
            return 0;
        }
        // Access first, outside the choice of recipients, so that no policy can route around it.
        AccessCheck[] checks = accessChecks;
        for (AccessCheck check : checks) {
            String denial = check.denial(packet, origin);
            if (denial != null) {
                recipients.clear();
                taps.show(packet, origin, recipients, 0);
                dropped(origin, DropReason.POLICY_DENIED, 1, denial);
                return 0;
            }
        }
        SubscriptionSnapshot snapshot = table;
        recipients.clear();
        policy.get().route(packet, origin, snapshot, recipients);
        if (recipients.denial() != null) {
            taps.show(packet, origin, recipients, 0);
            dropped(origin, DropReason.POLICY_DENIED, 1, recipients.denial());
            return 0;
        }
        int count = recipients.size();
        taps.show(packet, origin, recipients, count);
        if (count == 0) {
            dropped(origin, DropReason.NO_RECIPIENT, 1, "nobody else is subscribed to '" + packet.remote() + "'");
            return 0;
        }
        counts.routed();
        int queued = 0;
        for (int i = 0; i < count; i++) {
            ClientRecord recipient = recipients.get(i);
            if (recipient.outlet().offer(packet, delivery)) {
                queued++;
            } else {
                dropped(recipient, DropReason.QUEUE_FULL, 1, recipient.queuedBytes() + " bytes queued");
            }
        }
        return queued;
    }

    /** Counts and logs a drop; {@code client} is the recipient when known, else the sender, or null for the server. */
    void dropped(ClientRecord client, DropReason reason, int packets, String detail) {
        allDrops.dropped(reason, packets);
        if (client != null) {
            client.counter().dropped(reason, packets);
        }
        dropLog.dropped(client == null ? Name.SERVER : client.name(), reason, packets, detail);
    }

    // ---- Management: what the Broker service offers

    public List<ClientInfo> clients() {
        List<ClientInfo> infos = new ArrayList<>();
        for (ClientRecord client : table.clients()) {
            infos.add(client.info());
        }
        infos.sort(Comparator.comparing(ClientInfo::name));
        return infos;
    }

    public Optional<ClientInfo> client(Name name) {
        return Optional.ofNullable(table.client(name)).map(ClientRecord::info);
    }

    public Map<Name, Set<Name>> groups() {
        Map<Name, Set<Name>> groups = new TreeMap<>();
        for (ClientRecord client : table.clients()) {
            for (Name group : client.groups()) {
                groups.computeIfAbsent(group, g -> new TreeSet<>()).add(client.name());
            }
        }
        return groups;
    }

    public void subscribe(Name name, Collection<Name> groups) {
        changeGroups(name, groups, true);
    }

    public void unsubscribe(Name name, Collection<Name> groups) {
        changeGroups(name, groups, false);
    }

    private void changeGroups(Name name, Collection<Name> groups, boolean add) {
        if (groups.contains(Name.SERVER)) {
            throw new IllegalArgumentException("the empty group is the server's");
        }
        synchronized (changes) {
            ClientRecord client = table.client(name);
            if (client == null) {
                throw new UnknownClientException(name);
            }
            Set<Name> next = new HashSet<>(client.groups());
            if (add) {
                next.addAll(groups);
            } else {
                next.removeAll(groups);
            }
            next.remove(name);
            if (add && next.size() > maxGroups) {
                throw new IllegalArgumentException("'" + name + "' would be in " + next.size() + " groups; the server allows " + maxGroups + " per client");
            }
            client.groups(next);
            table = table.rebuilt();
            logger.info("Client '{}' now subscribed to groups {}", name, next);
        }
    }

    public boolean kick(Name name) {
        ClientRecord client = table.client(name);
        if (client == null) {
            return false;
        }
        logger.info("Kicking client '{}'", name);
        client.detach();
        client.outlet().close();
        return true;
    }

    public int send(Packet packet) {
        ClientRecord origin = packet.origin().isServer() ? null : table.client(packet.origin());
        RecipientCollector recipients = new RecipientCollector();
        int[] queued = new int[1];
        // Counted as the server's, not the client's it names: that client's own routing thread
        // writes its counter alone. One management send at a time keeps the server's exact.
        synchronized (sentByServer) {
            // Transports hand packets over as frames; a packet from management takes the same path.
            new StreamDecoder(packet.payloadLength()).feed(ByteBuffer.wrap(packet.toBytes()),
                    frame -> queued[0] = route(origin, frame, recipients, true, sentByServer,
                            new DeliveryContext().of(frame, Sender.NONE, System.nanoTime(), false)));
        }
        return queued[0];
    }

    public TrafficCounters counters() {
        synchronized (changes) {
            TrafficCounter.Sum sum;
            synchronized (departed) {
                sum = new TrafficCounter.Sum().add(departed).add(sentByServer);
            }
            for (ClientRecord client : table.clients()) {
                sum.add(client.counter());
            }
            return sum.snapshot(allDrops);
        }
    }

    public Tap tap(Set<Name> names, Consumer<TappedPacket> listener) {
        return taps.add(names, listener);
    }
}
