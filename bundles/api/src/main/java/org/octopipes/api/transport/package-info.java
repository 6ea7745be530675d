/**
 * The transport SPI: how a transport (FIFOs, Unix sockets, ...) hands clients and their packets to
 * the router, and how the router hands packets back for delivery.
 *
 * <p>A transport finds the {@link org.octopipes.api.transport.Router} service, calls
 * {@link org.octopipes.api.transport.Router#attach attach} for each client that subscribes,
 * passes every packet that client writes to its {@link org.octopipes.api.transport.ClientLink},
 * and queues what the router offers to the client's {@link org.octopipes.api.transport.Outlet}.
 *
 * <p>2.0: each packet travels with its {@link org.octopipes.api.transport.Delivery} (deadline,
 * sender, whether a bridge imported it) instead of transports keeping that in fields of the
 * thread that read it, so that backpressure and deadlines hold across transports: {@code Outlet.offer}
 * takes the delivery, {@code ClientLink.route} and {@code relay} take the
 * {@link org.octopipes.api.transport.Sender}.
 */
@Export
@Version("2.1.0")
package org.octopipes.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
