package org.octopipes.api.routing;

import java.util.Set;
import org.octopipes.codec.Name;
import org.osgi.annotation.versioning.ProviderType;

/** A subscribed client, as a routing policy sees it. */
@ProviderType
public interface Subscriber {

    /** Its name. */
    Name name();

    /** The groups it subscribed to, its own name not included. */
    Set<Name> groups();

    /** Packets waiting in its outbound queue: how far behind it is. */
    int queuedPackets();

    /** Bytes waiting in its outbound queue. */
    long queuedBytes();
}
