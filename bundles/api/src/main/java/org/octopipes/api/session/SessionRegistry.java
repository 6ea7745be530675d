package org.octopipes.api.session;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.octopipes.api.DropReason;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.UnknownClientException;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.codec.Name;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every open session, as the router and management see them. Registered by the sessions bundle
 * next to the transports' {@link org.octopipes.api.transport.Sessions}.
 */
@ProviderType
public interface SessionRegistry {

    /** What {@link #route} returns: closing it stops the engine's routing. */
    interface Routing {

        /**
         * The engine routes no more: once this returns, no session calls it again, and until
         * another engine routes, the sessions' senders are held up and their packets wait.
         */
        void close();
    }

    /**
     * {@code engine} routes every session's packets from now on, until the returned routing is
     * closed (one router at a time: the latest to start routes). The engine is first told of every
     * open session at once.
     *
     * @param engine the router
     * @return what stops its routing
     */
    Routing route(RoutingEngine engine);

    /**
     * Every open session.
     *
     * @return the sessions, in the order they opened
     */
    List<ClientSession> sessions();

    /**
     * The session of a client.
     *
     * @param name the client's name
     * @return its session, or empty
     */
    Optional<ClientSession> session(Name name);

    /**
     * Adds groups to a client's subscription, or removes them, as management asks.
     *
     * @param client the client's name
     * @param groups the groups
     * @param add true to add them, false to remove them
     * @throws UnknownClientException if no client has that name
     * @throws IllegalArgumentException if a group is the server's (empty), or the client would be
     *         in more groups than the server allows
     */
    void changeGroups(Name client, Collection<Name> groups, boolean add);

    /**
     * Counts and logs packets dropped that belong to no session (the server's own, say).
     *
     * @param reason why
     * @param packets how many
     * @param detail what the log says of it
     */
    void dropped(DropReason reason, int packets, String detail);

    /**
     * What management sends, counted as the server's: whoever counts into it holds it as a lock,
     * management's sends being rare and possibly concurrent.
     *
     * @return the server's counter
     */
    TrafficCounter sentByServer();

    /**
     * The server's totals: every session's counts, those of sessions that closed, and every drop.
     *
     * @return a snapshot
     */
    TrafficCounters counters();
}
