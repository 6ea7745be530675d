package org.octopipes.transport.fifo.impl;

import java.nio.file.Path;
import org.octopipes.codec.CapLocation;
import org.octopipes.codec.Protocol;

/**
 * The FIFO transport's settings with defaults applied and checked, so that the server gets only
 * values it can use, and a bad configuration fails with one clear message.
 */
record FifoSettings(Path capPath, Path clientsDir, int fifoMode, int maxPayload, int maxNameLength, int queueBytes) {

    /** A client FIFO's name is the client's name plus this, so a name may be 255 - 8 bytes. */
    static final int LONGEST_NAME_THAT_FITS_A_FILE_NAME = 255 - "_tx.fifo".length();

    FifoSettings {
        capPath = capPath.toAbsolutePath().normalize();
        clientsDir = clientsDir.toAbsolutePath().normalize();
        if ((fifoMode & ~0777) != 0) {
            throw new IllegalArgumentException("fifo.mode must be permission bits 0000 to 0777, not " + Integer.toOctalString(fifoMode));
        }
        if ((fifoMode & 0600) != 0600) {
            throw new IllegalArgumentException("fifo.mode must let the owner read and write (0600 at least), not 0" + Integer.toOctalString(fifoMode));
        }
        if (maxPayload < 0 || maxPayload > Protocol.MAX_CONFIGURABLE_PAYLOAD) {
            throw new IllegalArgumentException("max.payload must be 0 to " + Protocol.MAX_CONFIGURABLE_PAYLOAD + ", not " + maxPayload);
        }
        if (maxNameLength < 1 || maxNameLength > LONGEST_NAME_THAT_FITS_A_FILE_NAME) {
            throw new IllegalArgumentException("max.name.length must be 1 to " + LONGEST_NAME_THAT_FITS_A_FILE_NAME + ", not " + maxNameLength);
        }
        if (queueBytes < 1) {
            throw new IllegalArgumentException("queue.bytes must be at least 1, not " + queueBytes);
        }
    }

    static FifoSettings from(FifoServerConfiguration configuration) {
        Path cap = configuration.cap_path().isBlank() ? CapLocation.defaultPath() : Path.of(configuration.cap_path().trim());
        Path clients = configuration.clients_dir().isBlank()
                ? cap.toAbsolutePath().getParent().resolve("clients")
                : Path.of(configuration.clients_dir().trim());
        return new FifoSettings(cap, clients, parseMode(configuration.fifo_mode()), configuration.max_payload(),
                configuration.max_name_length(), configuration.queue_bytes());
    }

    static int parseMode(String text) {
        try {
            return Integer.parseInt(text.trim(), 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fifo.mode must be octal permission bits such as 0600, not '" + text + "'", e);
        }
    }

    Path txPath(String fileName) {
        return clientsDir.resolve(fileName + "_tx.fifo");
    }

    Path rxPath(String fileName) {
        return clientsDir.resolve(fileName + "_rx.fifo");
    }
}
