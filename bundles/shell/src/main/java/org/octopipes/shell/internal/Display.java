package org.octopipes.shell.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Optional;
import java.util.HexFormat;
import java.util.StringJoiner;
import org.octopipes.api.Credentials;
import org.octopipes.codec.Name;
import org.octopipes.codec.Protocol;

/**
 * How the commands show single values to people: names, payloads, times, options. Whatever it
 * returns fits in a table cell: one line, never a control character.
 */
final class Display {

    /** Shown for a cell that has nothing in it, so that a column never looks shifted. */
    static final String NONE = "-";

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final HexFormat HEX = HexFormat.of();

    private Display() {
    }

    /** A name as {@link Name#toString()} escapes it; the empty name, the server's, as {@code (server)}. */
    static String name(Name name) {
        return name.isServer() ? "(server)" : name.toString();
    }

    /** Names sorted, comma-separated; {@link #NONE} for none. */
    /** Who is on the other end, short: {@code user/pid}, or {@code -} where the transport cannot tell. */
    static String peer(Optional<Credentials> peer) {
        return peer.map(known -> known.pid() == Credentials.UNKNOWN_PID ? known.user() : known.user() + "/" + known.pid()).orElse("-");
    }

    static String names(Collection<Name> names) {
        StringJoiner joined = new StringJoiner(", ");
        names.stream().sorted().forEach(name -> joined.add(name(name)));
        return names.isEmpty() ? NONE : joined.toString();
    }

    /**
     * The first bytes of a payload of {@code totalLength} bytes, as text or as hex, with
     * {@code ...} after it when it is only the beginning.
     */
    static String payload(byte[] preview, int totalLength, boolean hex) {
        String shown = hex ? HEX.formatHex(preview) : escaped(preview);
        return preview.length < totalLength ? shown + "..." : shown;
    }

    /**
     * UTF-8 text as it is; control characters, the backslash and bytes that are not UTF-8 as
     * {@code \xNN}, the escape {@link Name#toString()} uses too. A payload can then never break a
     * line or pass for other bytes than it holds.
     */
    static String escaped(byte[] bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 decodes into at most one char per byte, so one pass always has room.
        CharBuffer decoded = CharBuffer.allocate(bytes.length);
        StringBuilder text = new StringBuilder(bytes.length);
        CoderResult result;
        do {
            result = utf8.decode(in, decoded, true);
            decoded.flip();
            while (decoded.hasRemaining()) {
                char c = decoded.get();
                if (c == '\\' || Character.isISOControl(c)) {
                    appendEscape(text, c);
                } else {
                    text.append(c);
                }
            }
            decoded.clear();
            if (result.isError()) {
                for (int i = result.length(); i > 0; i--) {
                    appendEscape(text, in.get() & 0xFF);
                }
            }
        } while (result.isError());
        return text.toString();
    }

    private static void appendEscape(StringBuilder text, int value) {
        text.append("\\x").append(HEX.toHexDigits((byte) value));
    }

    /** The option bits by name ({@code RCK,ACK}), unknown bits in hex; {@link #NONE} for none. */
    static String options(int options) {
        StringJoiner names = new StringJoiner(",");
        int unknown = options;
        if ((options & Protocol.OPTION_RCK) != 0) {
            names.add("RCK");
            unknown &= ~Protocol.OPTION_RCK;
        }
        if ((options & Protocol.OPTION_ACK) != 0) {
            names.add("ACK");
            unknown &= ~Protocol.OPTION_ACK;
        }
        if ((options & Protocol.OPTION_ICK) != 0) {
            names.add("ICK");
            unknown &= ~Protocol.OPTION_ICK;
        }
        if (unknown != 0) {
            names.add("0x" + HEX.toHexDigits((byte) unknown));
        }
        return options == 0 ? NONE : names.toString();
    }

    /** A duration in its two largest units, as {@code 42s}, {@code 3m05s}, {@code 2h07m}, {@code 3d04h}. */
    static String elapsed(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
    }

    /** Date and time in this machine's time zone, to the second. */
    static String dateTime(Instant instant) {
        return DATE_TIME.format(instant.atZone(ZoneId.systemDefault()));
    }

    /** Time of day in this machine's time zone, to the millisecond: for lines that stream by. */
    static String timeOfDay(Instant instant) {
        return TIME_OF_DAY.format(instant.atZone(ZoneId.systemDefault()));
    }

    /** {@code 1 recipient}, {@code 2 recipients}. */
    static String count(long count, String singular) {
        return count + " " + (count == 1 ? singular : singular + "s");
    }
}
