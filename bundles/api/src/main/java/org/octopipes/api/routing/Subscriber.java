package org.octopipes.api.routing;

import java.util.Optional;
import java.util.Set;
import org.octopipes.api.Credentials;
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

    /** The transport it came through, e.g. {@code fifo}; empty if not known (a test table's). */
    default String transport() {
        return "";
    }

    /**
     * Who is on the other end, where its transport knows (the Unix socket does, FIFOs cannot):
     * what access rules on users and groups match.
     */
    default Optional<Credentials> credentials() {
        return Optional.empty();
    }
}
