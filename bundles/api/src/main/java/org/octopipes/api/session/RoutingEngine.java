package org.octopipes.api.session;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A router as the sessions see it. The registry calls these methods one at a time, in the order
 * the sessions changed, so that the engine's subscription table follows them exactly.
 */
@ConsumerType
public interface RoutingEngine {

    /**
     * Sessions the engine is to route: every open one when it starts routing, then each one as
     * it opens.
     *
     * @param sessions the sessions, in the order they opened
     * @return for each session, in the same order, the route its packets take
     */
    List<SessionRoute> joined(List<ClientSession> sessions);

    /**
     * A session closed: it receives nothing more.
     *
     * @param session the session
     */
    void left(ClientSession session);

    /**
     * A session's groups changed.
     *
     * @param session the session, with its new groups
     */
    void regrouped(ClientSession session);
}
