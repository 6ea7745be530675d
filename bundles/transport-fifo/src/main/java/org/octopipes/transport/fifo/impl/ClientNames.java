package org.octopipes.transport.fifo.impl;

import java.nio.charset.StandardCharsets;
import org.octopipes.codec.Name;

/**
 * Decides which client names may become file names. A name is part of its FIFOs' paths, so it must
 * never lead out of the clients' folder: no '/', no NUL, not '.' or '..', not too long. Only
 * printable ASCII is taken, because the JVM maps other bytes to file names by the locale, and
 * under a C locale two different names could map to one file.
 */
final class ClientNames {

    private ClientNames() {
    }

    /** Why {@code name} cannot be a client's name here, or {@code null} if it can. */
    static String refusal(Name name, int maxLength) {
        if (name.isServer()) {
            return "the empty name is the server's";
        }
        if (name.length() > maxLength) {
            return "the name is " + name.length() + " bytes, more than the " + maxLength + " allowed";
        }
        for (int i = 0; i < name.length(); i++) {
            int b = name.byteAt(i) & 0xFF;
            if (b == '/') {
                return "a name cannot contain '/'";
            }
            if (b < 0x20 || b > 0x7E) {
                return String.format("a name is printable ASCII; byte %d is 0x%02x", i, b);
            }
        }
        String text = fileName(name);
        if (text.equals(".") || text.equals("..")) {
            return "'" + text + "' is a path step, not a name";
        }
        return null;
    }

    /** The name as it appears in file names; only for names without a {@link #refusal}. */
    static String fileName(Name name) {
        return new String(name.toBytes(), StandardCharsets.US_ASCII);
    }
}
