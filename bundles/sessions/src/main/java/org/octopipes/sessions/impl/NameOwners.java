package org.octopipes.sessions.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.octopipes.api.Credentials;
import org.octopipes.api.NameGlob;
import org.octopipes.codec.Name;

/**
 * The server property {@code names.owners}: names that belong to users. Rules
 * {@code GLOB=WHO[,WHO...]} separated by {@code ;}, where {@code WHO} is a user name or
 * {@code @group}. A name that matches a rule (the first that matches decides) can be subscribed
 * only by a client whose transport tells who it is, the Unix socket, and who is one of those users
 * or whose group is one of those groups. Names no rule matches are anybody's, as without rules.
 */
public final class NameOwners {

    /** No rules: every name is anybody's. */
    static final NameOwners NONE = new NameOwners(List.of(), "");

    private record Rule(NameGlob names, List<String> users, List<String> groups) {
    }

    private final List<Rule> rules;
    private final String text;

    private NameOwners(List<Rule> rules, String text) {
        this.rules = rules;
        this.text = text;
    }

    /** Parses the property; throws {@link IllegalArgumentException} saying which rule is wrong and why. */
    public static NameOwners parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        for (String rule : text.split(";")) {
            if (rule.isBlank()) {
                continue;
            }
            int equals = rule.indexOf('=');
            if (equals <= 0 || equals == rule.length() - 1) {
                throw new IllegalArgumentException("names.owners rule '" + rule.trim() + "' is not GLOB=WHO[,WHO...]");
            }
            List<String> users = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            for (String who : rule.substring(equals + 1).split(",")) {
                String owner = who.trim();
                if (owner.isEmpty() || owner.equals("@")) {
                    throw new IllegalArgumentException("names.owners rule '" + rule.trim() + "' names an empty user or group");
                }
                if (owner.startsWith("@")) {
                    groups.add(owner.substring(1));
                } else {
                    users.add(owner);
                }
            }
            rules.add(new Rule(new NameGlob(rule.substring(0, equals).trim()), List.copyOf(users), List.copyOf(groups)));
        }
        return new NameOwners(List.copyOf(rules), text.trim());
    }

    /**
     * Why {@code peer} may not subscribe as {@code name}, or empty if it may.
     *
     * @param peer who is on the other end; null where the transport cannot tell
     */
    Optional<String> refusal(Name name, Credentials peer) {
        String shown = name.toString();
        for (Rule rule : rules) {
            if (!rule.names().matches(shown)) {
                continue;
            }
            String owners = String.join(", ", rule.users()) + (rule.users().isEmpty() || rule.groups().isEmpty() ? "" : ", ")
                    + String.join(", ", rule.groups().stream().map(group -> "@" + group).toList());
            if (peer == null) {
                return Optional.of("'" + name + "' belongs to " + owners + " (names.owners " + rule.names()
                        + "), and this transport cannot tell who the client is: subscribe over the Unix socket");
            }
            if (rule.users().contains(peer.user()) || rule.groups().contains(peer.group())) {
                return Optional.empty();
            }
            return Optional.of("'" + name + "' belongs to " + owners + " (names.owners " + rule.names() + "), not to " + peer);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "no owned names" : text;
    }
}
