package org.octopipes.shell.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.octopipes.codec.Name;
import org.octopipes.codec.Protocol;

/**
 * Reads what people type as command arguments into what the broker takes, and turns anything it
 * cannot read into a {@link CommandException} that says in one line what is wrong with it.
 */
final class CommandArguments {

    private CommandArguments() {
    }

    /** A client's name: its UTF-8 bytes, 1 to 255 of them. */
    static Name clientName(String text) {
        return name(text, "client name");
    }

    /** Group names, at least one, each like a client's name. */
    static List<Name> groupNames(String[] texts) {
        if (texts.length == 0) {
            throw new CommandException("name at least one group");
        }
        List<Name> groups = new ArrayList<>(texts.length);
        for (String text : texts) {
            groups.add(name(text, "group name"));
        }
        return groups;
    }

    /** Names of clients or groups, as many as given, none included. */
    static Set<Name> names(String[] texts) {
        Set<Name> names = new LinkedHashSet<>();
        for (String text : texts) {
            names.add(name(text, "name"));
        }
        return names;
    }

    /** A remote a packet is sent to: a client's or a group's name. */
    static Name remote(String text) {
        return name(text, "remote");
    }

    /** A name as the commands show it: {@code \xNN} escapes for bytes that are not printable. */
    private static Name name(String text, String what) {
        if (text.isEmpty()) {
            throw new CommandException("bad " + what + " '': the empty name is the server's");
        }
        try {
            return Name.parse(text);
        } catch (IllegalArgumentException tooLong) {
            throw new CommandException("bad " + what + " '" + text + "': " + tooLong.getMessage());
        }
    }

    /** A TTL in seconds, 0 (no deadline) to 255. */
    static int ttl(String text) {
        return integer(text, "TTL", 0, Protocol.MAX_TTL);
    }

    /** A whole number from {@code min} to {@code max}, for the option called {@code what}. */
    static int integer(String text, String what, int min, int max) {
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandException("bad " + what + " '" + text + "': not a whole number");
        }
        if (value < min || value > max) {
            throw new CommandException("bad " + what + " " + value + ": must be " + min + " to " + max);
        }
        return value;
    }

    /**
     * Bytes written as hex digits, two per byte, upper or lower case; whitespace between them is
     * ignored, so {@code "48 69"} and {@code "4869"} are the same two bytes.
     */
    static byte[] hex(String text) {
        String digits = text.replaceAll("\\s", "");
        for (int i = 0; i < digits.length(); i++) {
            if (!HexFormat.isHexDigit(digits.charAt(i))) {
                throw new CommandException("bad hex payload: '" + digits.charAt(i) + "' is not a hex digit");
            }
        }
        if (digits.length() % 2 != 0) {
            throw new CommandException("bad hex payload: " + digits.length() + " hex digits, but a byte takes two");
        }
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits, 2 * i, 2 * i + 2, 16);
        }
        return bytes;
    }
}
