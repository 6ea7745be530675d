package org.octopipes.api.routing;

import java.util.Set;
import org.octopipes.codec.Name;
import org.osgi.annotation.versioning.ProviderType;

/** A subscribed client, as a routing policy sees it. */
@ProviderType
public interface Subscriber {

    /** @return its name, which is also the group only it is in */
    Name name();

    /** @return the groups it subscribed to, its own name not included */
    Set<Name> groups();

    /** @return the packets waiting in its outbound queue: how far behind it is */
    int queuedPackets();

    /**
     * @return the bytes waiting in its outbound queue in the server, beyond what its connection
     *         holds (a FIFO 64 KiB, or more once grown): about 0 for a client that keeps up
     */
    long queuedBytes();
}
