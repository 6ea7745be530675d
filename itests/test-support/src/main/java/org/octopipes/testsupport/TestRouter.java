package org.octopipes.testsupport;

import java.util.Collection;
import java.util.LinkedHashSet;
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
 * The smallest router that lets a transport be tested on its own: routes by name and group,
 * never back to the sender, lets a test change a client's groups or kick it as management would,
 * and counts what the transport reports. The real router is tested in its bundle, and meets the
 * transports in the Felix, Karaf and end-to-end tests.
 */
public final class TestRouter implements Router {

    public final Map<Name, Link> links = new ConcurrentHashMap<>();
    public final Map<DropReason, AtomicLong> drops = new ConcurrentHashMap<>();
    public final AtomicLong delivered = new AtomicLong();
    public final AtomicLong detaches = new AtomicLong();
    public final List<PacketError> malformed = new CopyOnWriteArrayList<>();

    @Override
    public ClientLink attach(Name name, Collection<Name> groups, Outlet outlet) {
        Link link = new Link(name, groups, outlet);
        if (links.putIfAbsent(name, link) != null) {
            throw new SubscriptionRefusedException(SubscriptionRefusedException.Reason.NAME_TAKEN, "'" + name + "' is taken");
        }
        return link;
    }

    @Override
    public void dropped(DropReason reason, int packets, String detail) {
        drops.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(packets);
    }

    /** How many packets were dropped for {@code reason}. */
    public long drops(DropReason reason) {
        AtomicLong count = drops.get(reason);
        return count == null ? 0 : count.get();
    }

    /** Kicks a client, as the router's management does: detach, then close the outlet. */
    public void kick(Name name) {
        Link link = links.get(name);
        link.detach();
        link.outlet.close();
    }

    /** One attached client. */
    public final class Link implements ClientLink {
        public final Name name;
        /** Its groups; a test sets them as management would. */
        public volatile Set<Name> groups;
        public final Outlet outlet;

        Link(Name name, Collection<Name> groups, Outlet outlet) {
            this.name = name;
            this.groups = Set.copyOf(new LinkedHashSet<>(groups));
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
                        TestRouter.this.dropped(DropReason.QUEUE_FULL, 1, "queue of " + other.name);
                    }
                }
            }
            if (recipients == 0) {
                TestRouter.this.dropped(DropReason.NO_RECIPIENT, 1, name.toString());
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
            TestRouter.this.dropped(DropReason.MALFORMED, 1, name + ": " + error);
        }

        @Override
        public void delivered(int packets) {
            delivered.addAndGet(packets);
        }

        @Override
        public void dropped(DropReason reason, int packets) {
            TestRouter.this.dropped(reason, packets, name.toString());
        }

        @Override
        public void detach() {
            if (links.remove(name, this)) {
                detaches.incrementAndGet();
            }
        }
    }
}
