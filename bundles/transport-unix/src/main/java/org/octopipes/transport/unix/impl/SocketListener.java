package org.octopipes.transport.unix.impl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.octopipes.posix.FileStatus;
import org.octopipes.posix.FileType;
import org.octopipes.posix.Posix;
import org.octopipes.transport.support.PrivateFolder;
import org.osgi.service.log.Logger;

/**
 * The Unix socket transport's file: the listening socket, made in a private folder with the
 * configured mode, a stale one (left by a server that crashed) taken over, and deleted at the end.
 */
final class SocketListener {

    private final UnixSettings settings;
    private final Posix posix;
    private final Logger logger;
    private ServerSocketChannel channel;
    /** Whether the socket file is ours to delete: a bind that failed may have met another server's. */
    private boolean bound;

    SocketListener(UnixSettings settings, Posix posix, Logger logger) {
        this.settings = settings;
        this.posix = posix;
        this.logger = logger;
    }

    /** Makes the folder and the socket, non-blocking; on failure leaves nothing behind. */
    ServerSocketChannel open() throws IOException {
        Path socket = settings.socketPath();
        // Made only at start, and not logged; the FIFO transport logs it because a SUBSCRIPTION may
        // remake its clients' folder under a running server (see docs/RELIABILITY.md).
        PrivateFolder.prepare(posix, socket.getParent(), "the socket", made -> { });
        removeStale(socket);
        try {
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socket));
            bound = true;
            // bind makes the file with the umask's mode; the folder keeps others out meanwhile.
            posix.chmod(socket, settings.socketMode());
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Closes the socket and deletes its file, if it is ours. */
    void close() {
        closeQuietly(channel);
        if (!bound) {
            return;
        }
        try {
            Files.deleteIfExists(settings.socketPath());
        } catch (IOException e) {
            logger.warn("Could not delete the socket {}", settings.socketPath(), e);
        }
    }

    /** A socket file left by a server that crashed is removed; one that a live server listens on is not. */
    private void removeStale(Path socket) throws IOException {
        FileStatus status = posix.lstat(socket);
        if (status == null) {
            return;
        }
        if (status.type() != FileType.OTHER) {
            throw new IOException(socket + " exists and is not a socket (" + status.type() + "); refusing to replace it");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            throw new IOException("another server listens on " + socket + "; refusing to take its place");
        } catch (ConnectException nobodyListens) {
            Files.delete(socket);
            logger.info("Removed the stale socket {}: nobody listened on it", socket);
        }
    }

    void closeQuietly(Channel open) {
        if (open == null) {
            return;
        }
        try {
            open.close();
        } catch (ClosedChannelException alreadyClosed) {
            // Nothing to do.
        } catch (IOException e) {
            logger.debug("Closing {} failed", open, e);
        }
    }
}
