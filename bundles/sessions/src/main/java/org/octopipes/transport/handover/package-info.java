/**
 * Keeps a transport's I/O state while the transport's bundle is updated: the open file descriptors
 * of its FIFOs, what it had read and not yet routed, what it had queued and not yet written, and a
 * {@link org.octopipes.transport.handover.Relay} per client that parks what is offered meanwhile.
 * The clients' sessions stay open in this bundle all along; only I/O state is handed over. The
 * FIFO transport's state travels as a typed, versioned
 * {@link org.octopipes.transport.handover.FifoSnapshot}.
 *
 * <p>3.0: a snapshot's client carries its session instead of a router's link; the relay reports to
 * the session.
 */
@Export
@Version("3.0.0")
package org.octopipes.transport.handover;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
