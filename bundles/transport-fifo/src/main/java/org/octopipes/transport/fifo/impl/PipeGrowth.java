package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import org.octopipes.posix.Posix;
import org.osgi.service.log.Logger;

/**
 * Enlarges the FIFOs of the clients that fill them, within a budget, as TCP tunes a busy
 * connection's buffers: a client that writes more than half its TX FIFO between two reads of the
 * server, or reads its RX FIFO but not as fast as the server fills it, gets that FIFO enlarged to
 * {@link #TARGET_SIZE}. Larger FIFOs let both sides move more per wake-up (one-to-one +31% with
 * 1 MiB FIFOs, benchmarks/RESULTS.md), but they come out of the user's pipe memory, which the
 * kernel limits (fs/pipe-user-pages-soft), hence the budget. A client that does not read at all
 * never gets more: its RX FIFO grows only while it takes bytes. Used by the I/O thread only.
 */
final class PipeGrowth {

    /** What a busy client's FIFO grows to: the largest an unprivileged user may ask for by default. */
    static final int TARGET_SIZE = 1024 * 1024;

    private final Posix posix;
    private final Logger logger;
    private long budgetLeft;

    /** @param budget bytes of FIFO capacity that may be added in all, beyond the FIFOs' sizes at creation; 0 for none */
    PipeGrowth(Posix posix, Logger logger, long budget) {
        this.posix = posix;
        this.logger = logger;
        this.budgetLeft = budget;
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

    /** A client adopted from the previous instance, whose FIFOs may have grown there: counted against the budget. */
    void adopted(FifoClient client, int sizeAtCreation) {
        long grown = Math.max(0, client.txCapacity - sizeAtCreation) + Math.max(0, client.rxCapacity - sizeAtCreation);
        client.grownBytes = grown;
        budgetLeft -= grown;
    }

    long budgetLeft() {
        return budgetLeft;
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
