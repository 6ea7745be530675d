package org.octopipes.router.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.RoutingEngine;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.session.SessionRoute;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;

/**
 * The router proper, free of OSGi so that it can be tested alone: routing logic over the clients'
 * sessions. It keeps a subscription table that follows the sessions, routes each packet through
 * the access checks and the active policy to its recipients' outlets, and counts into the
 * sessions' counters. Thread-safe: packets are routed concurrently without locks; the sessions
 * tell of their changes one at a time, and each publishes a new snapshot.
 */
final class RouterCore implements RoutingEngine {

    private final SessionRegistry sessions;
    private final Supplier<RoutingPolicy> policy;
    private final TapSet taps = new TapSet();
    private volatile SubscriptionSnapshot table = SubscriptionSnapshot.EMPTY;
    /** The access checks in force, highest ranking first; replaced as a whole when one comes or goes. */
    private volatile AccessCheck[] accessChecks = new AccessCheck[0];

    /** A router over {@code sessions}; it routes once it is handed to their {@link SessionRegistry#route}. */
    RouterCore(SessionRegistry sessions, Supplier<RoutingPolicy> policy) {
        this.sessions = sessions;
        this.policy = policy;
    }

    /** The access checks to apply from the next packet on, in this order. */
    void accessChecks(List<AccessCheck> checks) {
        this.accessChecks = checks.toArray(AccessCheck[]::new);
    }

    // ---- RoutingEngine: what the sessions tell

    @Override
    public List<SessionRoute> joined(List<ClientSession> joining) {
        SubscriptionSnapshot current = table;
        List<SessionRoute> paths = new ArrayList<>(joining.size());
        if (current.size() == 0 && joining.size() > 1) {
            // Every open session at once, as when this router starts: one table, not one per session.
            current = new SubscriptionSnapshot(joining);
        } else {
            for (ClientSession session : joining) {
                current = current.with(session);
            }
        }
        for (ClientSession session : joining) {
            paths.add(new SessionPath(this, session));
        }
        table = current;
        return paths;
    }

    @Override
    public void left(ClientSession session) {
        table = table.without(session);
    }

    @Override
    public void regrouped(ClientSession session) {
        table = table.rebuilt();
    }

    // ---- Routing: the per-packet path

    /**
     * @param checkOrigin whether the packet's origin must be the sending client's name: false for a
     *        packet the client relays for a client elsewhere
     * @param counts where the packet is counted: the sender's counter, written by its routing thread only
     * @param delivery what each recipient's outlet is handed with the packet
     * @return the number of recipients the packet was queued for
     */
    int route(ClientSession origin, Frame packet, RecipientCollector recipients, boolean checkOrigin, TrafficCounter counts, Delivery delivery) {
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
            queued += deliver(recipients.get(i), packet, delivery);
        }
        return queued;
    }

    /**
     * Routes consecutive packets with one header with one decision and one copy to each recipient,
     * where that routes each as {@link #route(ClientSession, Frame, RecipientCollector, boolean,
     * TrafficCounter, Delivery) route} would. One decision holds when the policy routes by header
     * alone, no access check is in force (a check may look at payloads) and no tap watches (a tap
     * is shown every packet); the origin, the same for all, is checked once.
     *
     * @return whether the run was routed or dropped; if not, nothing of it was queued, and its
     *         packets are to be routed one by one: a decision per packet is needed (nothing was
     *         counted), or the first recipient cannot take the whole run now (they were counted as
     *         received, and the counter does not count them again)
     */
    boolean route(ClientSession origin, FrameRun run, RecipientCollector recipients, TrafficCounter counts, Delivery delivery) {
        RoutingPolicy current = policy.get();
        if (!current.routesByHeader() || accessChecks.length > 0 || !taps.isEmpty()) {
            return false;
        }
        Frame first = run.first();
        int packets = run.count();
        // Counted before any recipient is offered them, as a packet alone is: a recipient on
        // another transport's thread may have them written before this thread goes on.
        counts.received(packets);
        if (origin != null && !OriginCheck.isFrom(first, origin.name())) {
            dropped(origin, DropReason.FORGED_ORIGIN, packets, "they claimed the origin '" + first.origin() + "' but are '" + origin.name() + "'");
            return true;
        }
        if (first.remoteLength() == 0) {
            dropped(origin, DropReason.UNHANDLED, packets, "packets for the server itself");
            return true;
        }
        recipients.clear();
        current.route(first, origin, table, recipients);
        int count = recipients.size();
        if (recipients.denial() != null || count == 0) {
            if (recipients.denial() != null) {
                dropped(origin, DropReason.POLICY_DENIED, packets, recipients.denial());
            } else {
                dropped(origin, DropReason.NO_RECIPIENT, packets, "nobody else is subscribed to '" + first.remote() + "'");
            }
            return true;
        }
        ClientSession firstRecipient = recipients.get(0);
        if (!firstRecipient.withinQuota(run.size()) || !firstRecipient.outlet().offer(run, delivery)) {
            // Nothing is queued yet: one by one, each recipient holds the sender up, or counts a
            // drop, at the very packet where it falls behind. They are counted as received already.
            counts.receivedAhead(packets);
            return false;
        }
        counts.routed(packets);
        for (int i = 1; i < count; i++) {
            ClientSession recipient = recipients.get(i);
            if (!recipient.withinQuota(run.size()) || !recipient.outlet().offer(run, delivery)) {
                // Earlier recipients have the run: this one gets its packets one by one, and
                // holds the sender up after the run if it is behind.
                for (int p = 0; p < packets; p++) {
                    deliver(recipient, run.frame(p), delivery);
                }
            }
        }
        return true;
    }

    /** Queues one packet for one recipient, within its user's quota; returns 1 if it was queued, else counts the drop. */
    private static int deliver(ClientSession recipient, Frame packet, Delivery delivery) {
        if (!recipient.withinQuota(packet.size())) {
            recipient.dropped(DropReason.QUOTA, 1, "its user has its quota of bytes queued (quota.bytes.per.user)");
            return 0;
        }
        if (recipient.outlet().offer(packet, delivery)) {
            return 1;
        }
        recipient.dropped(DropReason.QUEUE_FULL, 1, recipient.queuedBytes() + " bytes queued");
        return 0;
    }

    /** Counts and logs a drop; {@code client} is the recipient when known, else the sender, or null for the server. */
    private void dropped(ClientSession client, DropReason reason, int packets, String detail) {
        if (client != null) {
            client.dropped(reason, packets, detail);
        } else {
            sessions.dropped(reason, packets, detail);
        }
    }

    // ---- Management: what the Broker service offers

    public List<ClientInfo> clients() {
        List<ClientInfo> infos = new ArrayList<>();
        for (ClientSession client : sessions.sessions()) {
            infos.add(client.info());
        }
        infos.sort(Comparator.comparing(ClientInfo::name));
        return infos;
    }

    public Optional<ClientInfo> client(Name name) {
        return sessions.session(name).map(ClientSession::info);
    }

    public Map<Name, Set<Name>> groups() {
        Map<Name, Set<Name>> groups = new TreeMap<>();
        for (ClientSession client : sessions.sessions()) {
            for (Name group : client.groups()) {
                groups.computeIfAbsent(group, g -> new TreeSet<>()).add(client.name());
            }
        }
        return groups;
    }

    public void subscribe(Name name, Collection<Name> groups) {
        sessions.changeGroups(name, groups, true);
    }

    public void unsubscribe(Name name, Collection<Name> groups) {
        sessions.changeGroups(name, groups, false);
    }

    public boolean kick(Name name) {
        Optional<ClientSession> client = sessions.session(name);
        client.ifPresent(ClientSession::kick);
        return client.isPresent();
    }

    public int send(Packet packet) {
        ClientSession origin = packet.origin().isServer() ? null : table.client(packet.origin());
        RecipientCollector recipients = new RecipientCollector();
        int[] queued = new int[1];
        // Counted as the server's, not the client's it names: that client's own routing thread
        // writes its counter alone. One management send at a time keeps the server's exact.
        TrafficCounter sentByServer = sessions.sentByServer();
        synchronized (sentByServer) {
            // Transports hand packets over as frames; a packet from management takes the same path.
            new StreamDecoder(packet.payloadLength()).feed(ByteBuffer.wrap(packet.toBytes()),
                    frame -> queued[0] = route(origin, frame, recipients, true, sentByServer,
                            new DeliveryContext().of(frame, Sender.NONE, System.nanoTime(), false)));
        }
        return queued[0];
    }

    public TrafficCounters counters() {
        return sessions.counters();
    }

    public Tap tap(Set<Name> names, Consumer<TappedPacket> listener) {
        return taps.add(names, listener);
    }
}
