package org.octopipes.transport.support;

import org.octopipes.codec.Protocol;

/**
 * The checks that the transports' settings share, with the same words for the same mistake, so
 * that a bad configuration fails with one clear message whichever transport reads it.
 */
public final class SettingChecks {

    private SettingChecks() {
    }

    /** Parses a file mode written in octal ("0600"); {@code property} names it in the error. */
    public static int parseMode(String property, String text) {
        try {
            return Integer.parseInt(text.trim(), 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be octal permission bits such as 0600, not '" + text + "'", e);
        }
    }

    /** A mode for the files clients open: permission bits only, and the owner (the server) must read and write. */
    public static void checkMode(String property, int mode) {
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException(property + " must be permission bits 0000 to 0777, not " + Integer.toOctalString(mode));
        }
        if ((mode & 0600) != 0600) {
            throw new IllegalArgumentException(property + " must let the owner read and write (0600 at least), not 0" + Integer.toOctalString(mode));
        }
    }

    public static void checkMaxPayload(int maxPayload) {
        if (maxPayload < 0 || maxPayload > Protocol.MAX_CONFIGURABLE_PAYLOAD) {
            throw new IllegalArgumentException("max.payload must be 0 to " + Protocol.MAX_CONFIGURABLE_PAYLOAD + ", not " + maxPayload);
        }
    }

    public static void checkQueueBytes(int queueBytes) {
        if (queueBytes < 1) {
            throw new IllegalArgumentException("queue.bytes must be at least 1, not " + queueBytes);
        }
    }
}
