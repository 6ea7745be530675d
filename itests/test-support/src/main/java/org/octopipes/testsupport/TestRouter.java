package org.octopipes.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.octopipes.api.DropReason;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.RoutingEngine;
import org.octopipes.api.session.SessionRoute;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.Protocol;

/**
 * The smallest router that lets a transport be tested with the real sessions but without the
 * router bundle: routes by name and group, never back to the sender, and counts into the
 * sessions like the real one. The real router is tested in its bundle, and meets the transports
 * in the Felix, Karaf and end-to-end tests.
 */
public final class TestRouter implements RoutingEngine {

    /** The sessions this router routes, by name. */
    public final Map<Name, ClientSession> sessions = new ConcurrentHashMap<>();

    @Override
    public List<SessionRoute> joined(List<ClientSession> joining) {
        List<SessionRoute> routes = new ArrayList<>();
        for (ClientSession session : joining) {
            sessions.put(session.name(), session);
            routes.add(new Path(session));
        }
        return routes;
    }

    @Override
    public void left(ClientSession session) {
        sessions.remove(session.name(), session);
    }

    @Override
    public void regrouped(ClientSession session) {
        // Groups are read from the session at each packet.
    }

    /** One session's packets. */
    private final class Path implements SessionRoute {
        private final ClientSession from;

        Path(ClientSession from) {
            this.from = from;
        }

        @Override
        public void route(Frame packet, Sender sender, long readNanos) {
            from.counter().received();
            Delivery delivery = new PlainDelivery(Protocol.deadlineNanos(packet.ttl(), readNanos), sender, false);
            int recipients = 0;
            for (ClientSession other : sessions.values()) {
                if (other != from && (packet.remoteIs(other.name()) || other.groups().stream().anyMatch(packet::remoteIs))) {
                    recipients++;
                    if (!other.outlet().offer(packet, delivery)) {
                        other.dropped(DropReason.QUEUE_FULL, 1, "queue full");
                    }
                }
            }
            if (recipients == 0) {
                from.dropped(DropReason.NO_RECIPIENT, 1, "nobody else is subscribed to " + packet.remote());
            } else {
                from.counter().routed();
            }
        }

        @Override
        public void relay(Frame packet, Sender sender) {
            // A transport never relays; here it is routing all the same.
            route(packet, sender, System.nanoTime());
        }
    }
}
