package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.octopipes.codec.Name;
import org.octopipes.posix.FileStatus;
import org.octopipes.posix.FileType;
import org.octopipes.posix.Posix;
import org.octopipes.transport.support.PrivateFolder;
import org.osgi.service.log.Logger;

/**
 * The FIFO transport's files: the folders it makes FIFOs in, the CAP, and each client's pair of
 * FIFOs, made, opened, checked and deleted. The server keeps every FIFO open read-write on its
 * side: a client's open then never waits for a peer, a TX FIFO never reports end-of-file when its
 * client closes it (no spinning), and bytes written to an RX FIFO stay there between the
 * reference client's open-read-close calls.
 */
final class FifoFiles {

    /** How the server opens every FIFO. */
    static final int OPEN_FLAGS = Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC | Posix.O_NOFOLLOW;
    /** The most an ASSIGNMENT carries of each path. */
    private static final int MAX_PATH_BYTES = 255;

    /** A client's two FIFOs, open. */
    record Pair(Path txPath, Path rxPath, int txFd, int rxFd) {
    }

    private final FifoSettings settings;
    private final Posix posix;
    private final Logger logger;

    FifoFiles(FifoSettings settings, Posix posix, Logger logger) {
        this.settings = settings;
        this.posix = posix;
        this.logger = logger;
    }

    /** Makes the folders, removes what a crashed server left, and makes and opens the CAP; returns its descriptor. */
    int makeCap() throws IOException {
        prepareFolder(settings.capPath().getParent());
        prepareFolder(settings.clientsDir());
        removeStaleClientFifos();
        removeStaleFifo(settings.capPath());
        posix.mkfifo(settings.capPath(), settings.fifoMode());
        return posix.open(settings.capPath(), OPEN_FLAGS, 0);
    }

    /** Closes and deletes the CAP. */
    void releaseCap(int capFd) {
        if (capFd >= 0) {
            closeQuietly(capFd);
        }
        unlinkQuietly(settings.capPath());
    }

    /** Why the client cannot have FIFOs of its own name, or null if it can: its paths would not fit an ASSIGNMENT. */
    String pathRefusal(Name name) {
        String fileName = ClientNames.fileName(name);
        if (bytes(settings.txPath(fileName)).length > MAX_PATH_BYTES || bytes(settings.rxPath(fileName)).length > MAX_PATH_BYTES) {
            return "its FIFO paths would be longer than the " + MAX_PATH_BYTES + " bytes an ASSIGNMENT carries";
        }
        return null;
    }

    /** Where the client's RX FIFO is, or will be. */
    Path rxPath(Name name) {
        return settings.rxPath(ClientNames.fileName(name));
    }

    /**
     * Makes and opens the client's two FIFOs; on failure leaves none behind.
     *
     * @throws IOException an operating condition (disk full, folder refused), with the reason
     */
    Pair makeClientFifos(Name name) throws IOException {
        String fileName = ClientNames.fileName(name);
        Path txPath = settings.txPath(fileName);
        Path rxPath = settings.rxPath(fileName);
        int txFd = -1;
        int rxFd = -1;
        try {
            // The folder may have been deleted under the running server: make it again, under the
            // same ownership and mode rules as at start, rather than refuse everybody from now on.
            prepareFolder(settings.clientsDir());
            makeFifo(txPath);
            makeFifo(rxPath);
            txFd = posix.open(txPath, OPEN_FLAGS, 0);
            rxFd = posix.open(rxPath, OPEN_FLAGS, 0);
            return new Pair(txPath, rxPath, txFd, rxFd);
        } catch (IOException | RuntimeException e) {
            discard(new Pair(txPath, rxPath, txFd, rxFd));
            throw e;
        }
    }

    /** Closes what is open of the pair and deletes both FIFOs. */
    void discard(Pair fifos) {
        if (fifos.txFd() >= 0) {
            closeQuietly(fifos.txFd());
        }
        if (fifos.rxFd() >= 0) {
            closeQuietly(fifos.rxFd());
        }
        unlinkQuietly(fifos.txPath());
        unlinkQuietly(fifos.rxPath());
    }

    /** The paths an ASSIGNMENT gives the client. */
    static byte[] bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A channel view of a non-blocking file descriptor, for the decoder's zero-copy reads. */
    ReadableByteChannel channel(int fd) {
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return posix.read(fd, dst);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
                // The server closes its descriptors itself.
            }
        };
    }

    private void prepareFolder(Path folder) throws IOException {
        PrivateFolder.prepare(posix, folder, "FIFOs", made -> logger.info("Made the folder {} (mode 0700)", made));
    }

    private void removeStaleClientFifos() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(settings.clientsDir(), "*_{tx,rx}.fifo")) {
            for (Path entry : entries) {
                FileStatus status = posix.lstat(entry);
                if (status != null && status.type() == FileType.FIFO) {
                    posix.unlink(entry);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            logger.info("Removed {} stale client FIFOs from {}", removed, settings.clientsDir());
        }
    }

    private void removeStaleFifo(Path path) throws IOException {
        FileStatus status = posix.lstat(path);
        if (status == null) {
            return;
        }
        if (status.type() != FileType.FIFO) {
            throw new IOException(path + " exists and is not a FIFO (" + status.type() + "); refusing to replace it");
        }
        posix.unlink(path);
        logger.info("Removed the stale FIFO {}", path);
    }

    private void makeFifo(Path path) throws IOException {
        removeStaleFifo(path);
        posix.mkfifo(path, settings.fifoMode());
    }

    void closeQuietly(int fd) {
        try {
            posix.close(fd);
        } catch (IOException e) {
            logger.debug("Closing fd {} failed", fd, e);
        }
    }

    private void unlinkQuietly(Path path) {
        try {
            posix.unlink(path);
        } catch (IOException e) {
            logger.warn("Could not delete {}", path, e);
        }
    }
}
