package org.octopipes.api.routing;

import java.util.Optional;
import java.util.Set;
import org.octopipes.api.Credentials;
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

    /**
     * The transport it came through.
     *
     * @return e.g. {@code fifo}; empty if not known (a test table's subscriber)
     */
    default String transport() {
        return "";
    }

    /**
     * Who is on the other end, where its transport knows (the Unix socket does, FIFOs cannot):
     * what access rules on users and groups match.
     *
     * @return the peer's credentials, or empty
     */
    default Optional<Credentials> credentials() {
        return Optional.empty();
    }
}
