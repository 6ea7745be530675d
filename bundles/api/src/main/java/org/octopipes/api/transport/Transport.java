package org.octopipes.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A transport announces itself with this service once it accepts clients, so that management,
 * the launcher and people can see what is running and where clients reach it.
 */
@ConsumerType
public interface Transport {

    /** Service property: the transport's name, as {@link #name()} returns it. */
    String TRANSPORT_NAME = "octopipes.transport.name";
    /** Service property: where clients reach it, as {@link #address()} returns it. */
    String TRANSPORT_ADDRESS = "octopipes.transport.address";

    /** @return a short name, e.g. {@code fifo} */
    String name();

    /** @return where clients reach it: the CAP's path, for the FIFO transport */
    String address();

    /** @return the clients attached through this transport now */
    int clientCount();
}
