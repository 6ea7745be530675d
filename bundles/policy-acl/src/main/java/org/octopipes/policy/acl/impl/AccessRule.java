package org.octopipes.policy.acl.impl;

import java.util.Locale;
import java.util.Optional;
import org.octopipes.api.Credentials;
import org.octopipes.api.NameGlob;
import org.octopipes.api.routing.Subscriber;

/**
 * One line of the ACL, e.g. {@code deny origin=guest* remote=admin} or
 * {@code deny group=guests remote=admin*}: an action and globs ({@code *} any run of characters,
 * {@code ?} one) on the two names, as {@code Name.toString()} shows them, and on who sent the
 * packet. A missing condition matches everything. {@code user=} and {@code group=} match what the
 * kernel told of the sender's peer, so only clients whose transport knows it (the Unix socket);
 * {@code transport=} matches the sender's transport, e.g. {@code transport=fifo}.
 */
record AccessRule(boolean allow, NameGlob origin, NameGlob remote, NameGlob user, NameGlob group, NameGlob transport, String text) {

    /** Parses one rule; throws {@link IllegalArgumentException} saying what is wrong. */
    static AccessRule parse(String text) {
        String[] words = text.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException("empty rule");
        }
        String action = words[0].toLowerCase(Locale.ROOT);
        if (!action.equals("allow") && !action.equals("deny")) {
            throw new IllegalArgumentException("rule '" + text + "' must start with allow or deny");
        }
        NameGlob origin = null;
        NameGlob remote = null;
        NameGlob user = null;
        NameGlob group = null;
        NameGlob transport = null;
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            int equals = word.indexOf('=');
            NameGlob glob = new NameGlob(word.substring(equals + 1));
            switch (equals < 0 ? word : word.substring(0, equals)) {
                case "origin" -> origin = glob;
                case "remote" -> remote = glob;
                case "user" -> user = glob;
                case "group" -> group = glob;
                case "transport" -> transport = glob;
                default -> throw new IllegalArgumentException("rule '" + text + "': '" + word
                        + "' is none of origin=GLOB, remote=GLOB, user=GLOB, group=GLOB, transport=GLOB");
            }
        }
        return new AccessRule(action.equals("allow"), origin, remote, user, group, transport, text.trim());
    }

    /**
     * @param sender the client that sent the packet, or null for the server
     * @param from the sender's name as shown, {@code to} the remote's
     */
    boolean matches(Subscriber sender, String from, String to) {
        if ((origin != null && !origin.matches(from)) || (remote != null && !remote.matches(to))) {
            return false;
        }
        if (transport != null && (sender == null || !transport.matches(sender.transport()))) {
            return false;
        }
        if (user == null && group == null) {
            return true;
        }
        Optional<Credentials> peer = sender == null ? Optional.empty() : sender.credentials();
        return peer.isPresent() && (user == null || user.matches(peer.get().user())) && (group == null || group.matches(peer.get().group()));
    }
}
