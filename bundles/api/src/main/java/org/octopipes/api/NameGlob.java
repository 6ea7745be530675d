package org.octopipes.api;

/**
 * A pattern on client names as the shell shows them ({@code Name.toString()}): {@code *} matches any
 * run of characters, {@code ?} one character, anything else itself. Used by rules that name
 * clients, such as the ACL's and {@code names.owners}; matching allocates nothing.
 *
 * @param pattern the pattern as written
 */
public record NameGlob(String pattern) {

    /**
     * Whether {@code text} matches; linear, backtracking to the last star only.
     *
     * @param text a name as the shell shows it
     * @return whether the whole of it matches the pattern
     */
    public boolean matches(String text) {
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

    @Override
    public String toString() {
        return pattern;
    }
}
