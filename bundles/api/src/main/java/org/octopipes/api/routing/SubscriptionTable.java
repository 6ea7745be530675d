package org.octopipes.api.routing;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Who is subscribed to what, as one consistent snapshot: every client is subscribed to its own name
 * and to the groups it listed. Lookups do not allocate.
 */
@ProviderType
public interface SubscriptionTable {

    /**
     * The subscribers of the packet's remote name.
     *
     * @param packet the packet being routed
     * @return its remote's subscribers, in the order they subscribed; empty if none
     */
    List<Subscriber> subscribersOf(Frame packet);

    /**
     * The subscribers of a name.
     *
     * @param remote a client's name or a group
     * @return its subscribers, in the order they subscribed; empty if none
     */
    List<Subscriber> subscribersOf(Name remote);

    /**
     * One client.
     *
     * @param name the client's name
     * @return the client with this name, or empty if none is subscribed
     */
    Optional<Subscriber> subscriber(Name name);

    /** @return every client */
    Collection<Subscriber> subscribers();
}
