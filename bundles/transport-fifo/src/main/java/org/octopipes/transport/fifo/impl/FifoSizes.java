package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import org.octopipes.codec.Name;
import org.octopipes.posix.Posix;
import org.osgi.service.log.Logger;

/**
 * The sizes of the clients' FIFOs: the configured one given at creation ({@code fifo.pipe.size}),
 * what each FIFO holds now, and their growth.
 *
 * <p>It enlarges the FIFOs of the clients that fill them, within a budget, as TCP tunes a busy
 * connection's buffers: a client that writes more than half its TX FIFO between two reads of the
 * server, or reads its RX FIFO but not as fast as the server fills it, gets that FIFO enlarged to
 * {@link #TARGET_SIZE}. Larger FIFOs let both sides move more per wake-up (one-to-one +31% with
 * 1 MiB FIFOs, benchmarks/RESULTS.md), but they come out of the user's pipe memory, which the
 * kernel limits (fs/pipe-user-pages-soft), hence the budget. A client that does not read at all
 * never gets more: its RX FIFO grows only while it takes bytes. Used by the I/O thread only.
 */
final class FifoSizes {

    /** What a busy client's FIFO grows to: the largest an unprivileged user may ask for by default. */
    static final int TARGET_SIZE = 1024 * 1024;
    /** A pipe's capacity unless resized, with 4 KiB pages: 16 pages. */
    private static final int DEFAULT_PIPE_CAPACITY = 64 * 1024;

    private final Posix posix;
    private final Logger logger;
    /** fifo.pipe.size: what a new client's FIFOs are given, or 0 to leave them as the kernel makes them. */
    private final int configuredSize;
    private long budgetLeft;
    /** Whether the kernel refused fifo.pipe.size once already: the warning is given once. */
    private boolean configuredSizeRefused;

    /**
     * @param configuredSize what new FIFOs are given, or 0 for the kernel's default
     * @param budget bytes of FIFO capacity that may be added in all, beyond the FIFOs' sizes at creation; 0 for none
     */
    FifoSizes(Posix posix, Logger logger, int configuredSize, long budget) {
        this.posix = posix;
        this.logger = logger;
        this.configuredSize = configuredSize;
        this.budgetLeft = budget;
    }

    /**
     * Gives a new client's FIFOs the configured size, if any. A refusal (the user's pipe memory is
     * used up, say) costs throughput, not the subscription: the FIFOs keep the kernel's default,
     * and the first refusal is a warning, later ones are logged at debug level.
     */
    void sizeNew(Name name, int txFd, int rxFd) {
        if (configuredSize == 0) {
            return;
        }
        try {
            posix.setPipeSize(txFd, configuredSize);
            posix.setPipeSize(rxFd, configuredSize);
        } catch (IOException e) {
            if (!configuredSizeRefused) {
                configuredSizeRefused = true;
                logger.warn("The FIFOs of '{}' keep the kernel's default size: resizing them to fifo.pipe.size={} failed: {}"
                        + " (further refusals are logged at debug level)", name, configuredSize, e.getMessage());
            } else {
                logger.debug("The FIFOs of '{}' keep the kernel's default size: {}", name, e.getMessage());
            }
        }
    }

    /** Notes what a client's FIFOs hold, as the kernel says. */
    void measure(FifoClient client) {
        client.txCapacity = capacityOf(client.txFd);
        client.rxCapacity = capacityOf(client.rxFd);
    }

    /** The server read more than half the client's TX FIFO at once: the client writes about as fast as the FIFO lets it. */
    void txFilled(FifoClient client) {
        int grown = grow(client, client.txFd, client.txCapacity, "TX");
        if (grown > 0) {
            client.txCapacity = grown;
        }
    }

    /** The client's RX FIFO was full at two writes in a row and the client read between them: it reads, more slowly than it is sent to. */
    void rxFilled(FifoClient client) {
        int grown = grow(client, client.rxFd, client.rxCapacity, "RX");
        if (grown > 0) {
            client.rxCapacity = grown;
        }
    }

    /** The client leaves: what its FIFOs grew by is free for others. */
    void release(FifoClient client) {
        budgetLeft += client.grownBytes;
        client.grownBytes = 0;
    }

    /** A client adopted from the previous instance, whose FIFOs may have grown there: measured, and counted against the budget. */
    void adopted(FifoClient client) {
        measure(client);
        int sizeAtCreation = configuredSize > 0 ? configuredSize : DEFAULT_PIPE_CAPACITY;
        long grown = Math.max(0, client.txCapacity - sizeAtCreation) + Math.max(0, client.rxCapacity - sizeAtCreation);
        client.grownBytes = grown;
        budgetLeft -= grown;
    }

    long budgetLeft() {
        return budgetLeft;
    }

    /** What the FIFO behind {@code fd} holds; the Linux default if it cannot be asked. */
    private int capacityOf(int fd) {
        try {
            return posix.pipeSize(fd);
        } catch (IOException e) {
            logger.debug("F_GETPIPE_SZ failed on fd {}; taking {} bytes", fd, DEFAULT_PIPE_CAPACITY, e);
            return DEFAULT_PIPE_CAPACITY;
        }
    }

    /** @return the FIFO's new size, or 0 if it stays as it is */
    private int grow(FifoClient client, int fd, int size, String which) {
        if (size >= TARGET_SIZE || client.growthRefused || TARGET_SIZE - size > budgetLeft) {
            return 0;
        }
        int grown;
        try {
            grown = posix.setPipeSize(fd, TARGET_SIZE);
        } catch (IOException e) {
            // Past the user's pipe memory limit, say: not worth asking again for this client.
            client.growthRefused = true;
            logger.debug("The kernel refused to enlarge the {} FIFO of '{}': {}", which, client.name, e.getMessage());
            return 0;
        }
        budgetLeft -= grown - size;
        client.grownBytes += grown - size;
        logger.info("Client '{}' fills its {} FIFO: enlarged from {} to {} bytes ({} bytes of the growth budget left)", client.name,
                which, size, grown, budgetLeft);
        return grown;
    }
}
