package dev.berth.image.reference;

import dev.berth.image.ImageException;

/**
 * Go's {@code path.Match}: shell-style globs where {@code *} and {@code ?} never match
 * {@code /}, {@code [...]} is a class ({@code [^...]} negated, ranges with {@code -}) and
 * {@code \} escapes. Docker matches image filters with it ({@code docker images --filter
 * reference='busy*:*'}), so Berth must agree with it exactly, malformed patterns included:
 * they fail with Go's {@code syntax error in pattern}.
 */
public final class GlobPattern {
    private GlobPattern() {}

    public static boolean matches(String pattern, String name) throws ImageException {
        validate(pattern);
        return match(pattern, 0, name, 0);
    }

    private static boolean match(String p, int pi, String s, int si) throws ImageException {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    // Collapse runs of stars, then try every split that does not cross a '/'.
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    for (int end = si; ; end++) {
                        if (match(p, pi, s, end)) {
                            return true;
                        }
                        if (end >= s.length() || s.charAt(end) == '/') {
                            return false;
                        }
                    }
                }
                case '?' -> {
                    if (si >= s.length() || s.charAt(si) == '/') {
                        return false;
                    }
                    pi++;
                    si++;
                }
                case '[' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    int[] end = new int[1];
                    boolean in = matchClass(p, pi + 1, s.charAt(si), end);
                    if (!in || s.charAt(si) == '/') {
                        return false;
                    }
                    pi = end[0];
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 >= p.length()) {
                        throw syntaxError();
                    }
                    if (si >= s.length() || s.charAt(si) != p.charAt(pi + 1)) {
                        return false;
                    }
                    pi += 2;
                    si++;
                }
                default -> {
                    if (si >= s.length() || s.charAt(si) != c) {
                        return false;
                    }
                    pi++;
                    si++;
                }
            }
        }
        return si == s.length();
    }

    /** Matches {@code ch} against the class starting after '['; end[0] is set past ']'. */
    private static boolean matchClass(String p, int i, char ch, int[] end) throws ImageException {
        boolean negated = i < p.length() && p.charAt(i) == '^';
        if (negated) {
            i++;
        }
        boolean matched = false;
        int count = 0;
        while (true) {
            if (i >= p.length()) {
                throw syntaxError();
            }
            if (p.charAt(i) == ']' && count > 0) {
                end[0] = i + 1;
                return matched != negated;
            }
            int[] next = new int[1];
            char lo = classChar(p, i, next);
            char hi = lo;
            i = next[0];
            if (i < p.length() && p.charAt(i) == '-') {
                hi = classChar(p, i + 1, next);
                i = next[0];
            }
            if (lo <= ch && ch <= hi) {
                matched = true;
            }
            count++;
        }
    }

    private static char classChar(String p, int i, int[] next) throws ImageException {
        if (i >= p.length() || p.charAt(i) == '-' || p.charAt(i) == ']') {
            throw syntaxError();
        }
        if (p.charAt(i) == '\\') {
            if (i + 1 >= p.length()) {
                throw syntaxError();
            }
            next[0] = i + 2;
            return p.charAt(i + 1);
        }
        next[0] = i + 1;
        return p.charAt(i);
    }

    /** Go reports a bad pattern even when the name would not reach the bad part; so do we. */
    private static void validate(String p) throws ImageException {
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (i + 1 >= p.length()) {
                    throw syntaxError();
                }
                i += 2;
            } else if (c == '[') {
                int[] end = new int[1];
                matchClass(p, i + 1, '\0', end);
                i = end[0];
            } else {
                i++;
            }
        }
    }

    private static ImageException syntaxError() {
        return ImageException.invalid("syntax error in pattern");
    }
}
