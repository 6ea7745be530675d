/**
 * The transport SPI: how a transport (FIFOs, Unix sockets, ...) hands clients and their packets to
 * the router, and how the router hands packets back for delivery.
 *
 * <p>A transport finds the {@link org.octopipes.api.transport.Router} service, calls
 * {@link org.octopipes.api.transport.Router#attach attach} for each client that subscribes,
 * passes every packet that client writes to its {@link org.octopipes.api.transport.ClientLink},
 * and queues what the router offers to the client's {@link org.octopipes.api.transport.Outlet}.
 */
@Export
@Version("1.1.0")
package org.octopipes.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
