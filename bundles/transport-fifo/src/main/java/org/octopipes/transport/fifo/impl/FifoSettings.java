package org.octopipes.transport.fifo.impl;

import java.nio.file.Path;
import org.octopipes.codec.CapLocation;
import org.octopipes.transport.support.SettingChecks;

/**
 * The FIFO transport's settings with defaults applied and checked, so that the server gets only
 * values it can use, and a bad configuration fails with one clear message.
 */
record FifoSettings(Path capPath, Path clientsDir, int fifoMode, int maxPayload, int maxNameLength, int queueBytes, int pipeSize,
        long pipeBudget, int spliceMinPayload) {

    /** fifo.splice.min.payload's default: at 4 KiB splicing was slower than copying, at 64 KiB 1.4 times faster (RESULTS.md). */
    static final int DEFAULT_SPLICE_MIN_PAYLOAD = 32 * 1024;

    /** A quarter of what the kernel lets an unprivileged user's pipes hold by default (64 MiB): enough for a few busy clients. */
    static final long DEFAULT_PIPE_BUDGET = 16L * 1024 * 1024;

    /** A client FIFO's name is the client's name plus this, so a name may be 255 - 8 bytes. */
    static final int LONGEST_NAME_THAT_FITS_A_FILE_NAME = 255 - "_tx.fifo".length();

    FifoSettings {
        capPath = capPath.toAbsolutePath().normalize();
        clientsDir = clientsDir.toAbsolutePath().normalize();
        SettingChecks.checkMode("fifo.mode", fifoMode);
        SettingChecks.checkMaxPayload(maxPayload);
        if (maxNameLength < 1 || maxNameLength > LONGEST_NAME_THAT_FITS_A_FILE_NAME) {
            throw new IllegalArgumentException("max.name.length must be 1 to " + LONGEST_NAME_THAT_FITS_A_FILE_NAME + ", not " + maxNameLength);
        }
        SettingChecks.checkQueueBytes(queueBytes);
        if (pipeSize < 0) {
            throw new IllegalArgumentException("fifo.pipe.size must be 0 (the kernel's default) or a size in bytes, not " + pipeSize);
        }
        if (pipeBudget < 0) {
            throw new IllegalArgumentException("fifo.pipe.budget must be 0 (no growth) or a number of bytes, not " + pipeBudget);
        }
        if (spliceMinPayload < 0) {
            throw new IllegalArgumentException("fifo.splice.min.payload must be at least 1 byte, not " + spliceMinPayload);
        }
    }

    /** Without splicing. */
    FifoSettings(Path capPath, Path clientsDir, int fifoMode, int maxPayload, int maxNameLength, int queueBytes, int pipeSize, long pipeBudget) {
        this(capPath, clientsDir, fifoMode, maxPayload, maxNameLength, queueBytes, pipeSize, pipeBudget, 0);
    }

    /** Whether large payloads go from TX to RX FIFOs by splice(2) (fifo.splice.payloads): then {@link #spliceMinPayload} is positive. */
    boolean splicePayloads() {
        return spliceMinPayload > 0;
    }

    /** Client FIFOs of the kernel's default size, grown within the default budget. */
    FifoSettings(Path capPath, Path clientsDir, int fifoMode, int maxPayload, int maxNameLength, int queueBytes) {
        this(capPath, clientsDir, fifoMode, maxPayload, maxNameLength, queueBytes, 0, DEFAULT_PIPE_BUDGET);
    }

    static FifoSettings from(FifoServerConfiguration configuration) {
        Path cap = configuration.cap_path().isBlank() ? CapLocation.defaultPath() : Path.of(configuration.cap_path().trim());
        Path clients = configuration.clients_dir().isBlank()
                ? cap.toAbsolutePath().getParent().resolve("clients")
                : Path.of(configuration.clients_dir().trim());
        return new FifoSettings(cap, clients, parseMode(configuration.fifo_mode()), configuration.max_payload(),
                configuration.max_name_length(), configuration.queue_bytes(), configuration.fifo_pipe_size(),
                configuration.fifo_pipe_budget(), spliceMinPayload(configuration));
    }

    /** 0 unless fifo.splice.payloads is on; then fifo.splice.min.payload, which must be positive. */
    private static int spliceMinPayload(FifoServerConfiguration configuration) {
        if (!configuration.fifo_splice_payloads()) {
            return 0;
        }
        if (configuration.fifo_splice_min_payload() < 1) {
            throw new IllegalArgumentException("fifo.splice.min.payload must be at least 1 byte, not " + configuration.fifo_splice_min_payload());
        }
        return configuration.fifo_splice_min_payload();
    }

    static int parseMode(String text) {
        return SettingChecks.parseMode("fifo.mode", text);
    }

    Path txPath(String fileName) {
        return clientsDir.resolve(fileName + "_tx.fifo");
    }

    Path rxPath(String fileName) {
        return clientsDir.resolve(fileName + "_rx.fifo");
    }
}
