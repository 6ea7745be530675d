package org.octopipes.sessions.impl;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.SessionRoute;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.StreamDecoder;

/**
 * One client's session: what its transport holds ({@link Session}) and what the router sees
 * ({@link ClientSession}). Its packets go to the route of the router routing now; while there is
 * none, its sender is held up, and the few packets its transport had read before it stopped
 * reading wait here, in order, for the next router.
 *
 * <p>The per-packet path takes no lock: it marks itself {@link #routing} and reads {@link #route};
 * a router that stops clears the route and then waits until no packet is on its way through it.
 * Both fields are volatile, so either the packet sees the route cleared or the router sees the
 * packet on its way.
 */
final class OpenSession implements Session, ClientSession {

    /** A packet read while no router routed, with what its routing needs. */
    private record Waiting(byte[] bytes, Sender sender, long readNanos, boolean relayed) {
    }

    private final SessionBook book;
    private final Name name;
    private final Outlet outlet;
    private final Optional<Credentials> credentials;
    /** Its user's sessions, or null where its user is not known. */
    private final UserShare share;
    private final TrafficCounter counter = new TrafficCounter();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Set<Name> groups;
    private volatile SessionRoute route;
    private volatile boolean routing;
    /** System.nanoTime() of its last packet or delivery; made a wall-clock time only when someone asks. */
    private volatile long lastActivityNanos = System.nanoTime();
    /** The sender its transport reads it through. */
    private final Sender sender;
    /** Guarded by this: whether this session holds its sender up, and what waits. */
    private boolean heldUntilRouted;
    private final List<Waiting> waiting = new ArrayList<>();

    OpenSession(SessionBook book, Name name, Set<Name> groups, Outlet outlet, Sender sender, Credentials credentials, UserShare share) {
        this.book = book;
        this.name = name;
        this.groups = Set.copyOf(groups);
        this.outlet = outlet;
        this.credentials = Optional.ofNullable(credentials);
        this.share = share;
        this.sender = sender;
    }

    // ---- Routing, and waiting for a router

    @Override
    public void route(Frame packet, Sender from, long readNanos) {
        pass(packet, from, readNanos, false);
    }

    @Override
    public void relay(Frame packet, Sender from) {
        pass(packet, from, System.nanoTime(), true);
    }

    /** Through the router routing now, as {@link #pass} does; with no router, the packets go one by one to wait. */
    @Override
    public boolean route(FrameRun run, Sender from, long readNanos) {
        lastActivityNanos = readNanos;
        routing = true;
        try {
            SessionRoute current = route;
            return current != null && current.route(run, from, readNanos);
        } finally {
            routing = false;
        }
    }

    /** Through the router routing now, marked as on its way so that a router that stops waits for it. */
    private void pass(Frame packet, Sender from, long readNanos, boolean relayed) {
        lastActivityNanos = readNanos;
        routing = true;
        SessionRoute current = route;
        if (current != null) {
            try {
                routeThrough(current, packet, from, readNanos, relayed);
            } finally {
                routing = false;
            }
            return;
        }
        routing = false;
        routeOrWait(packet, from, readNanos, relayed);
    }

    /** The slow path: a router came meanwhile, or the packet waits for one. */
    private synchronized void routeOrWait(Frame packet, Sender from, long readNanos, boolean relayed) {
        SessionRoute current = route;
        if (current != null) {
            routeThrough(current, packet, from, readNanos, relayed);
            return;
        }
        byte[] bytes = new byte[packet.size()];
        packet.copyTo(ByteBuffer.wrap(bytes));
        waiting.add(new Waiting(bytes, from, readNanos, relayed));
        // Held by the thread that routes, at the first packet that waits: a hold from the thread
        // that stopped the router reaches the transport's I/O thread only at its next turn, and
        // until then it would route the rest of what it read (thousands of packets) into this
        // list, which the next router then routes at once, past every recipient's bound.
        holdUntilRouted();
    }

    private static void routeThrough(SessionRoute current, Frame packet, Sender from, long readNanos, boolean relayed) {
        if (relayed) {
            current.relay(packet, from);
        } else {
            current.route(packet, from, readNanos);
        }
    }

    /** Routes through {@code next} from now on, what waited first; lets the sender go on if it was held for want of a router. */
    synchronized void startRouting(SessionRoute next) {
        if (!waiting.isEmpty()) {
            StreamDecoder decoder = new StreamDecoder();
            for (Waiting packet : waiting) {
                decoder.feed(ByteBuffer.wrap(packet.bytes()), 
                        frame -> routeThrough(next, frame, packet.sender(), packet.readNanos(), packet.relayed()));
            }
            waiting.clear();
        }
        route = next;
        if (heldUntilRouted) {
            heldUntilRouted = false;
            sender.release();
        }
    }

    /** The router routing now routes no more: once this returns, no packet of this session is on its way through it. */
    void stopRouting() {
        route = null;
        while (routing) {
            // A packet on its way through the router finishes within microseconds: routing never blocks.
            Thread.onSpinWait();
        }
    }

    /** No router: the transport reads nothing more from this client until one comes. */
    synchronized void holdUntilRouted() {
        if (!heldUntilRouted && !closed.get()) {
            heldUntilRouted = true;
            sender.hold();
        }
    }

    // ---- What the transport reports

    @Override
    public void malformed(PacketError error) {
        book.dropped(this, DropReason.MALFORMED, 1, error.name());
    }

    @Override
    public void delivered(int packets) {
        counter.delivered(packets);
        lastActivityNanos = System.nanoTime();
    }

    @Override
    public void dropped(DropReason reason, int packets) {
        book.dropped(this, reason, packets, null);
    }

    @Override
    public void dropped(DropReason reason, int packets, String detail) {
        book.dropped(this, reason, packets, detail);
    }

    @Override
    public void subscribe(Collection<Name> more) {
        book.changeGroups(this, more, true);
    }

    @Override
    public void unsubscribe(Collection<Name> fewer) {
        book.changeGroups(this, fewer, false);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        book.closed(this);
        synchronized (this) {
            if (!waiting.isEmpty()) {
                book.dropped(this, DropReason.CLIENT_GONE, waiting.size(), "it left while its packets waited for a router");
                waiting.clear();
            }
            if (heldUntilRouted) {
                heldUntilRouted = false;
                sender.release();
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    // ---- What the router and management see

    @Override
    public Name name() {
        return name;
    }

    @Override
    public Set<Name> groups() {
        return groups;
    }

    void groups(Set<Name> next) {
        groups = Set.copyOf(next);
    }

    @Override
    public Optional<Credentials> credentials() {
        return credentials;
    }

    @Override
    public boolean withinQuota(int bytes) {
        long quota = book.quotaBytes();
        return quota <= 0 || share == null || share.queuedBytes() + bytes <= quota;
    }

    @Override
    public String transport() {
        return outlet.transport();
    }

    @Override
    public Outlet outlet() {
        return outlet;
    }

    @Override
    public TrafficCounter counter() {
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
    public void kick() {
        book.kicking(this);
        close();
        outlet.close();
    }

    @Override
    public ClientInfo info() {
        long sinceActivityMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
        return new ClientInfo(name, groups, outlet.transport(), outlet.address(), outlet.queuedPackets(), outlet.queuedBytes(),
                counter.snapshot(), counter.since(), Instant.ofEpochMilli(System.currentTimeMillis() - sinceActivityMillis), credentials);
    }

    @Override
    public String toString() {
        return "client '" + name + "'";
    }
}
