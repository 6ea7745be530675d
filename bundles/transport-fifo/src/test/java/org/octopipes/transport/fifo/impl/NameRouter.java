package org.octopipes.transport.fifo.impl;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Router;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.Protocol;

/**
 * The smallest router that lets the transport be tested on its own: routes by name and group,
 * sender excluded, and counts what the transport reports. The real router is tested in its bundle
 * and together with this transport end to end.
 */
final class NameRouter implements Router {

    final Map<Name, Link> links = new ConcurrentHashMap<>();
    final Map<DropReason, AtomicLong> drops = new ConcurrentHashMap<>();
    final AtomicLong delivered = new AtomicLong();
    final List<PacketError> malformed = new CopyOnWriteArrayList<>();

    @Override
    public ClientLink attach(Name name, Collection<Name> groups, Outlet outlet) {
        Link link = new Link(name, Set.copyOf(groups), outlet);
        if (links.putIfAbsent(name, link) != null) {
            throw new SubscriptionRefusedException(SubscriptionRefusedException.Reason.NAME_TAKEN, "taken");
        }
        return link;
    }

    @Override
    public void dropped(DropReason reason, int packets, String detail) {
        drops.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(packets);
    }

    long drops(DropReason reason) {
        AtomicLong count = drops.get(reason);
        return count == null ? 0 : count.get();
    }

    final class Link implements ClientLink {
        final Name name;
        final Set<Name> groups;
        final Outlet outlet;

        Link(Name name, Set<Name> groups, Outlet outlet) {
            this.name = name;
            this.groups = groups;
            this.outlet = outlet;
        }

        @Override
        public Name name() {
            return name;
        }

        @Override
        public Set<Name> groups() {
            return groups;
        }

        @Override
        public void route(Frame packet, Sender sender, long readNanos) {
            Delivery delivery = new PlainDelivery(Protocol.deadlineNanos(packet.ttl(), readNanos), sender, false);
            int recipients = 0;
            for (Link other : links.values()) {
                if (other != this && (packet.remoteIs(other.name) || other.groups.stream().anyMatch(packet::remoteIs))) {
                    recipients++;
                    if (!other.outlet.offer(packet, delivery)) {
                        dropped(DropReason.QUEUE_FULL, 1);
                    }
                }
            }
            if (recipients == 0) {
                dropped(DropReason.NO_RECIPIENT, 1);
            }
        }

        @Override
        public void relay(Frame packet, Sender sender) {
            // A transport never relays; here it is routing all the same.
            route(packet, sender, System.nanoTime());
        }

        @Override
        public void malformed(PacketError error) {
            malformed.add(error);
            NameRouter.this.dropped(DropReason.MALFORMED, 1, name.toString());
        }

        @Override
        public void delivered(int packets) {
            delivered.addAndGet(packets);
        }

        @Override
        public void dropped(DropReason reason, int packets) {
            NameRouter.this.dropped(reason, packets, name.toString());
        }

        @Override
        public void detach() {
            links.remove(name, this);
        }
    }

    /** The delivery a router hands an outlet. */
    record PlainDelivery(long deadlineNanos, Sender sender, boolean imported) implements Delivery {
    }
}
