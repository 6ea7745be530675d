/**
 * The transport SPI: how a transport (FIFOs, Unix sockets, ...) opens its clients' sessions and
 * passes their packets on, and how packets are handed back to it for delivery.
 *
 * <p>A transport finds the {@link org.octopipes.api.transport.Sessions} service, calls
 * {@link org.octopipes.api.transport.Sessions#open open} for each client that subscribes, passes
 * every packet that client writes to its {@link org.octopipes.api.transport.Session}, and queues
 * what is offered to the client's {@link org.octopipes.api.transport.Outlet}.
 *
 * <p>2.0: each packet travels with its {@link org.octopipes.api.transport.Delivery} (deadline,
 * sender, whether a bridge imported it), so that backpressure and deadlines hold across transports.
 *
 * <p>3.0: sessions instead of attachments to a router. A client's session (name, groups,
 * counters, outlet) belongs to the sessions bundle, which stays while the router is updated:
 * transports no longer follow the router, and while none is bound their clients are held up as
 * senders. {@code Router} and {@code ClientLink} became {@code Sessions} and {@code Session};
 * {@code TrafficTotals} and {@code Outlet.counter()} went, the session keeping the counters.
 */
@Export
@Version("3.2.0")
package org.octopipes.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
