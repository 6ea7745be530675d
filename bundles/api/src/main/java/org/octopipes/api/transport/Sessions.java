package org.octopipes.api.transport;

import java.util.Collection;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.codec.Name;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where transports open their clients' sessions: registered by the sessions bundle, which stays
 * while the router, the transports and the plugins are updated. It alone decides whether a name is
 * taken and whether the server has room for one more client, for every transport at once.
 */
@ProviderType
public interface Sessions {

    /**
     * Opens the session of a client that asked to subscribe: from now on it receives what is sent
     * to its name and to its groups, through {@code outlet}. While no router is bound (its bundle
     * being updated), the session is open all the same and {@code sender} is held up, so that the
     * client's packets wait in its connection until a router comes.
     *
     * @param name the client's name, as it came in its SUBSCRIPTION
     * @param groups the groups it listed
     * @param outlet where the client's packets are put for it
     * @param sender the client as a sender that can be held up: what its transport stops reading
     * @return the session, through which the transport passes the client's packets and news
     * @throws SubscriptionRefusedException if the name is taken or a limit is reached
     */
    default Session open(Name name, Collection<Name> groups, Outlet outlet, Sender sender) {
        return open(name, groups, outlet, sender, null);
    }

    /**
     * As {@link #open(Name, Collection, Outlet, Sender)}, for a client whose transport knows who is
     * on the other end.
     *
     * @param name the client's name, as it came in its SUBSCRIPTION
     * @param groups the groups it listed
     * @param outlet where the client's packets are put for it
     * @param sender the client as a sender that can be held up
     * @param credentials the peer's, as the kernel told them when it connected; null if unknown
     * @return the session
     * @throws SubscriptionRefusedException if the name is taken, owned by others, or a limit is reached
     */
    Session open(Name name, Collection<Name> groups, Outlet outlet, Sender sender, Credentials credentials);

    /**
     * Counts and logs packets a transport dropped that belong to no session: garbage on the CAP,
     * say, or a CAP reply nobody collected.
     *
     * @param reason why
     * @param packets how many
     * @param detail what the log says of it
     */
    void dropped(DropReason reason, int packets, String detail);
}
