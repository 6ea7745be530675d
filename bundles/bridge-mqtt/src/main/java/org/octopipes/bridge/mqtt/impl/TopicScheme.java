package org.octopipes.bridge.mqtt.impl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.octopipes.codec.Name;

/**
 * How Octopipes names map to MQTT topics. A packet to a group is published to
 * {@code <prefix>/group/<group>/<bridge id>}, a packet to a client another server holds to
 * {@code <prefix>/client/<client>/<bridge id>}. The publisher's bridge id in the topic is what
 * breaks loops: MQTT 3.1.1 has no "no local" subscription option, so every bridge receives its own
 * publications back and recognises them by its id.
 *
 * <p>Names are opaque bytes; a topic level is UTF-8 without {@code /}, {@code +} and {@code #}. So
 * every byte outside printable ASCII, and {@code / + # %}, becomes {@code %XX}: the mapping is
 * one to one, and names that are plain words read as themselves.
 */
final class TopicScheme {

    static final String GROUP = "group";
    static final String CLIENT = "client";
    static final String IMPORTER = "importer";
    static final String CREDIT = "credit";

    /** Which kind of message a topic carries. */
    enum Kind {
        /** Packets to a group, and the exporter's marks among them. */
        GROUP,
        /** Packets to one client. */
        CLIENT,
        /** A bridge's retained presence as an importer: the groups it imports, or nothing once it is gone. */
        IMPORTER,
        /** An importer's confirmation of a mark, to this bridge. */
        CREDIT
    }

    /**
     * A topic of this scheme, taken apart.
     *
     * @param kind to a group or to one client, or a control message
     * @param name the group or client, decoded; null for control messages
     * @param bridgeId the publisher's bridge id, as it stands in the topic
     */
    record Parsed(Kind kind, Name name, String bridgeId) {
    }

    private final String prefix;
    private final String bridgeId;

    /**
     * @param prefix the topics' first levels, e.g. {@code octopipes} or {@code site1/octopipes}
     * @param bridgeId this bridge's id, unique among the bridges on one broker
     */
    TopicScheme(String prefix, String bridgeId) {
        this.prefix = checkPrefix(prefix);
        this.bridgeId = encode(bridgeId.getBytes(StandardCharsets.UTF_8));
        if (bridgeId.isEmpty()) {
            throw new IllegalArgumentException("the bridge id must not be empty");
        }
    }

    private static String checkPrefix(String prefix) {
        String trimmed = prefix.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty() || trimmed.contains("+") || trimmed.contains("#") || trimmed.contains("\0")) {
            throw new IllegalArgumentException("the topic prefix must be a topic without wildcards, not '" + prefix + "'");
        }
        return trimmed;
    }

    String prefix() {
        return prefix;
    }

    /** This bridge's id as it stands in its topics. */
    String bridgeId() {
        return bridgeId;
    }

    /** Where this bridge publishes a packet to {@code group}. */
    String groupTopic(Name group) {
        return prefix + "/" + GROUP + "/" + encode(group.toBytes()) + "/" + bridgeId;
    }

    /** Where this bridge publishes a packet to {@code client}, a client of another server. */
    String clientTopic(Name client) {
        return prefix + "/" + CLIENT + "/" + encode(client.toBytes()) + "/" + bridgeId;
    }

    /** The subscription that imports {@code group} from every bridge (this one's own publications included). */
    String groupFilter(Name group) {
        return prefix + "/" + GROUP + "/" + encode(group.toBytes()) + "/+";
    }

    /** The subscription to every packet addressed to one client; each bridge keeps those for its own clients. */
    String clientFilter() {
        return prefix + "/" + CLIENT + "/+/+";
    }

    /**
     * Where this bridge announces that it imports groups (retained, cleared by its last will): the
     * exporters of those groups then wait for it.
     */
    String presenceTopic() {
        return prefix + "/" + IMPORTER + "/" + bridgeId;
    }

    /** Every importing bridge's presence. */
    String presenceFilter() {
        return prefix + "/" + IMPORTER + "/+";
    }

    /** Where this bridge, importing, confirms the marks of the exporter {@code exporterId} (as it stands in topics). */
    String creditTopic(String exporterId) {
        return prefix + "/" + CREDIT + "/" + exporterId + "/" + bridgeId;
    }

    /** The confirmations of this bridge's marks, from every importer. */
    String creditFilter() {
        return prefix + "/" + CREDIT + "/" + bridgeId + "/+";
    }

    /** The topic taken apart, or null if it is not one of this scheme's (another prefix, a bad escape, another's credit). */
    Parsed parse(String topic) {
        if (!topic.startsWith(prefix + "/")) {
            return null;
        }
        String[] levels = topic.substring(prefix.length() + 1).split("/", -1);
        if (levels.length == 2 && levels[0].equals(IMPORTER) && !levels[1].isEmpty()) {
            return new Parsed(Kind.IMPORTER, null, levels[1]);
        }
        if (levels.length == 3 && levels[0].equals(CREDIT) && levels[1].equals(bridgeId) && !levels[2].isEmpty()) {
            return new Parsed(Kind.CREDIT, null, levels[2]);
        }
        if (levels.length != 3 || levels[2].isEmpty()) {
            return null;
        }
        Kind kind = switch (levels[0]) {
            case GROUP -> Kind.GROUP;
            case CLIENT -> Kind.CLIENT;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        try {
            byte[] name = decode(levels[1]);
            if (name.length == 0 || name.length > 255) {
                return null;
            }
            return new Parsed(kind, Name.of(name), levels[2]);
        } catch (IllegalArgumentException badEscape) {
            return null;
        }
    }

    /** Whether this bridge published the message itself: the loop filter. */
    boolean isOwn(Parsed parsed) {
        return parsed.bridgeId().equals(bridgeId);
    }

    /** A topic level for {@code bytes}: printable ASCII as it is, except {@code / + # %}, the rest as {@code %XX}. */
    static String encode(byte[] bytes) {
        StringBuilder level = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F && c != '/' && c != '+' && c != '#' && c != '%') {
                level.append((char) c);
            } else {
                level.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return level.toString();
    }

    /** The bytes {@link #encode} made {@code level} of. */
    static byte[] decode(String level) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(level.length());
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            if (c == '%') {
                if (i + 2 >= level.length()) {
                    throw new IllegalArgumentException("a % without two hex digits in '" + level + "'");
                }
                int high = Character.digit(level.charAt(i + 1), 16);
                int low = Character.digit(level.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("a % without two hex digits in '" + level + "'");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c > 0x20 && c < 0x7F) {
                bytes.write(c);
            } else {
                throw new IllegalArgumentException("an unescaped character " + (int) c + " in '" + level + "'");
            }
        }
        return bytes.toByteArray();
    }
}
