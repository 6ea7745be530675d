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

    /** The subscribers of the packet's remote name, in the order they subscribed; empty if none. */
    List<Subscriber> subscribersOf(Frame packet);

    /** The subscribers of {@code remote}, in the order they subscribed; empty if none. */
    List<Subscriber> subscribersOf(Name remote);

    /** The client with this name. */
    Optional<Subscriber> subscriber(Name name);

    /** Every client. */
    Collection<Subscriber> subscribers();
}
