package org.octopipes.router.impl;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;

/**
 * One attached client as the router keeps it: its subscription, its outlet, its counters. It is
 * the transport's {@link ClientLink} and the policies' {@link Subscriber} at once, so that routing
 * goes from a recipient to its outlet without a lookup.
 */
final class ClientRecord implements ClientLink, Subscriber {

    private final RouterCore router;
    private final Name name;
    private final Outlet outlet;
    /** The outlet's, which outlives this router, when it has one. */
    private final TrafficCounter counter;
    private final Instant subscribedAt;
    private final AtomicBoolean detached = new AtomicBoolean();
    /** Used only by the thread that routes this client's packets, one at a time. */
    private final RecipientCollector recipients = new RecipientCollector();
    /** Likewise: what the recipients' outlets are told of the packet being routed. */
    private final DeliveryContext delivery = new DeliveryContext();
    private volatile Set<Name> groups;
    /** System.nanoTime() of its last packet or delivery; made a wall-clock time only when someone asks. */
    private volatile long lastActivityNanos = System.nanoTime();

    ClientRecord(RouterCore router, Name name, Set<Name> groups, Outlet outlet) {
        this.router = router;
        this.name = name;
        this.groups = Set.copyOf(groups);
        this.outlet = outlet;
        TrafficCounter kept = outlet.counter();
        this.counter = kept != null ? kept : new TrafficCounter();
        // The transport's counter began when the client subscribed, under whichever router.
        this.subscribedAt = counter.since();
    }

    @Override
    public Name name() {
        return name;
    }

    @Override
    public Set<Name> groups() {
        return groups;
    }

    void groups(Set<Name> groups) {
        this.groups = Set.copyOf(groups);
    }

    Outlet outlet() {
        return outlet;
    }

    TrafficCounter counter() {
        return counter;
    }

    @Override
    public int queuedPackets() {
        return outlet.queuedPackets();
    }

    @Override
    public long queuedBytes() {
        return outlet.queuedBytes();
    }

    @Override
    public void route(Frame packet, Sender sender, long readNanos) {
        lastActivityNanos = readNanos;
        router.route(this, packet, recipients, true, counter, delivery.of(packet, sender, readNanos, false));
    }

    @Override
    public void relay(Frame packet, Sender sender) {
        long now = System.nanoTime();
        lastActivityNanos = now;
        router.route(this, packet, recipients, false, counter, delivery.of(packet, sender, now, true));
    }

    @Override
    public void malformed(PacketError error) {
        router.dropped(this, DropReason.MALFORMED, 1, error.name());
    }

    @Override
    public void delivered(int packets) {
        counter.delivered(packets);
        touch();
    }

    @Override
    public void dropped(DropReason reason, int packets) {
        router.dropped(this, reason, packets, null);
    }

    @Override
    public void detach() {
        if (detached.compareAndSet(false, true)) {
            router.remove(this);
        }
    }

    boolean isDetached() {
        return detached.get();
    }

    private void touch() {
        lastActivityNanos = System.nanoTime();
    }

    ClientInfo info() {
        long sinceActivityMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
        return new ClientInfo(name, groups, outlet.transport(), outlet.address(), outlet.queuedPackets(),
                outlet.queuedBytes(), counter.snapshot(), subscribedAt, Instant.ofEpochMilli(System.currentTimeMillis() - sinceActivityMillis));
    }

    @Override
    public String toString() {
        return "client '" + name + "'";
    }
}
