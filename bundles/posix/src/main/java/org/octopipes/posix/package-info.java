/**
 * The POSIX calls the server needs for FIFOs: creating and inspecting them, non-blocking reads
 * and writes on file descriptors, pipe sizes, and an epoll-based {@link org.octopipes.posix.Poller}
 * that tells which descriptors are ready.
 *
 * <p>1.1: {@code sendDatagram}, for systemd's notifications. 1.2: {@code acceptedSockets}, the peer
 * credentials of accepted Unix sockets ({@link org.octopipes.posix.PeerCredentials}). 1.3:
 * {@code splice} and {@code tee}, to move bytes from pipe to pipe without copying them through
 * the process.
 *
 * <p>Linux only (x86_64 and aarch64). Nothing here exposes the native library behind it, so
 * callers depend on plain Java types alone.
 */
@Export
@Version("1.3.0")
package org.octopipes.posix;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
