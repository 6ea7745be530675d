package org.octopipes.transport.unix.impl;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.octopipes.api.Credentials;
import org.octopipes.posix.PeerCredentials;
import org.octopipes.posix.Posix;
import org.osgi.service.log.Logger;

/**
 * Who connected to the socket, as the kernel tells it ({@code SO_PEERCRED}), read once as the peer
 * connects: what it is then is what the kernel checked the socket's mode against. The JDK gives the
 * user and group of a channel but not the process id, nor the channel's descriptor; the posix
 * bundle lists the sockets accepted on this path with their peers, and the one accepted just now is
 * the one no connection holds yet. I/O thread only, accept after accept, so that exactly one is new.
 */
final class Peers {

    private final Posix posix;
    private final Path socket;
    private final Logger logger;
    /** The descriptors of the connections open now, as found when each was accepted. */
    private final Set<Integer> known = new HashSet<>();

    Peers(Posix posix, Path socket, Logger logger) {
        this.posix = posix;
        this.socket = socket;
        this.logger = logger;
    }

    /** A connection's peer and the descriptor it was found at ({@code -1} if not found). */
    record Peer(Credentials credentials, int fd) {
    }

    /** The peer of {@code channel}, accepted just now; null credentials if the kernel cannot say. */
    Peer identify(SocketChannel channel) {
        UnixDomainPrincipal principal;
        try {
            principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            logger.debug("No peer credentials for a connection on {}: {}", socket, e.toString());
            return new Peer(null, -1);
        }
        int fd = -1;
        long pid = Credentials.UNKNOWN_PID;
        try {
            Map<Integer, PeerCredentials> accepted = posix.acceptedSockets(socket);
            accepted.keySet().removeAll(known);
            if (accepted.size() == 1) {
                Map.Entry<Integer, PeerCredentials> found = accepted.entrySet().iterator().next();
                fd = found.getKey();
                pid = found.getValue().pid();
                known.add(fd);
            } else {
                logger.debug("{} new connections on {} where one was expected: the peer's process id is not known", accepted.size(), socket);
            }
        } catch (IOException | RuntimeException e) {
            logger.debug("Could not look up the process on the other end of a connection on {}: {}", socket, e.toString());
        }
        return new Peer(new Credentials(principal.user().getName(), principal.group().getName(), pid), fd);
    }

    /** The connection at {@code fd} closed: its descriptor may be given to the next one. */
    void forget(int fd) {
        known.remove(fd);
    }
}
