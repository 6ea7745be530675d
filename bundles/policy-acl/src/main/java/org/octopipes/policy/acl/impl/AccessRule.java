package org.octopipes.policy.acl.impl;

import java.util.Locale;

/**
 * One line of the ACL, e.g. {@code deny origin=guest* remote=admin}: an action and a glob on each
 * of the two names ({@code *} any run of characters, {@code ?} one), matched against the names as
 * {@code Name.toString()} shows them. A missing side matches everything.
 */
record AccessRule(boolean allow, String originGlob, String remoteGlob, String text) {

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
        String origin = "*";
        String remote = "*";
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            if (word.startsWith("origin=")) {
                origin = word.substring("origin=".length());
            } else if (word.startsWith("remote=")) {
                remote = word.substring("remote=".length());
            } else {
                throw new IllegalArgumentException("rule '" + text + "': '" + word + "' is neither origin=GLOB nor remote=GLOB");
            }
        }
        return new AccessRule(action.equals("allow"), origin, remote, text.trim());
    }

    boolean matches(String origin, String remote) {
        return glob(originGlob, origin) && glob(remoteGlob, remote);
    }

    /** Whether {@code text} matches {@code pattern} with {@code *} and {@code ?}; linear, backtracking to the last star only. */
    static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int afterStar = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                afterStar = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++afterStar;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
