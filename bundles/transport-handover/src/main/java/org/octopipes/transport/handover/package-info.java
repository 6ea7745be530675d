/**
 * Keeps a transport's state while the transport's or the router's bundle is updated: the open
 * file descriptors of its FIFOs, what it had read and not yet routed, what it had queued and not
 * yet written, and a {@link org.octopipes.transport.handover.Relay} per client that parks the
 * packets the router offers meanwhile. The FIFO transport's state travels as a typed, versioned
 * {@link org.octopipes.transport.handover.FifoSnapshot}. The bundle is small and rarely updated on purpose: its
 * classes, and the objects made from them, outlive the transport's class loader.
 */
@Export
@Version("2.0.0")
package org.octopipes.transport.handover;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
