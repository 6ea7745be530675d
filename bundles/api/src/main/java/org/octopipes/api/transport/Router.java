package org.octopipes.api.transport;

import java.util.Collection;
import org.octopipes.api.DropReason;
import org.octopipes.codec.Name;
import org.osgi.annotation.versioning.ProviderType;

/** What the router offers transports: admitting clients. Registered as a service by the router bundle. */
@ProviderType
public interface Router {

    /**
     * Admits a client that asked to subscribe: from now on it receives what is sent to its name
     * and to its groups, through {@code outlet}.
     *
     * @param name the client's name, as it came in its SUBSCRIPTION
     * @param groups the groups it listed
     * @param outlet where the router sends the client's packets
     * @return the link through which the transport passes the client's packets and news
     * @throws SubscriptionRefusedException if the name is taken or a limit is reached
     */
    ClientLink attach(Name name, Collection<Name> groups, Outlet outlet);

    /**
     * Counts and logs packets a transport dropped that belong to no attached client: garbage on
     * the CAP, say, or a CAP reply nobody collected.
     *
     * @param reason why they were dropped
     * @param packets how many
     * @param detail what happened, for the log
     */
    void dropped(DropReason reason, int packets, String detail);
}
