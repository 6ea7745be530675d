package org.octopipes.router.impl;

import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.SessionRoute;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;

/**
 * The path one session's packets take through this router, with the scratch state that routing
 * them reuses packet after packet: the session calls it from one thread at a time, so neither
 * needs a lock nor allocates.
 */
final class SessionPath implements SessionRoute {

    private final RouterCore router;
    private final ClientSession session;
    private final RecipientCollector recipients = new RecipientCollector();
    private final DeliveryContext delivery = new DeliveryContext();

    SessionPath(RouterCore router, ClientSession session) {
        this.router = router;
        this.session = session;
    }

    @Override
    public void route(Frame packet, Sender sender, long readNanos) {
        router.route(session, packet, recipients, true, session.counter(), delivery.of(packet, sender, readNanos, false));
    }

    @Override
    public boolean route(FrameRun run, Sender sender, long readNanos) {
        return router.route(session, run, recipients, session.counter(), delivery.of(run.first(), sender, readNanos, false));
    }

    @Override
    public void relay(Frame packet, Sender sender) {
        router.route(session, packet, recipients, false, session.counter(), delivery.of(packet, sender, System.nanoTime(), true));
    }

    @Override
    public String toString() {
        return "path of " + session;
    }
}
