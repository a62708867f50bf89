package dev.berth.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110, section 11.6.1): a scheme and
 * its parameters, such as {@code Bearer realm="https://auth.example.com/token",service="registry"}
 * or {@code Basic realm="basic-realm"}. The scheme is lower-cased; parameter names too.
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {
    static final String BASIC = "basic";
    static final String BEARER = "bearer";

    String parameter(String name) {
        return parameters.get(name);
    }

    /** Every challenge in the given header values; unparseable text is skipped, as Docker does. */
    static List<AuthChallenge> parse(List<String> headers) {
        List<AuthChallenge> result = new ArrayList<>();
        for (String header : headers) {
            parseOne(header, result);
        }
        return result;
    }

    private static void parseOne(String header, List<AuthChallenge> out) {
        int i = 0;
        int n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            i = skip(header, i, " \t,");
            int start = i;
            while (i < n && isToken(header.charAt(i))) {
                i++;
            }
            if (i == start) {
                i++; // not a token: skip the character
                continue;
            }
            String token = header.substring(start, i);
            int afterSpace = skip(header, i, " \t");
            if (afterSpace < n && header.charAt(afterSpace) == '=' && scheme != null) {
                i = skip(header, afterSpace + 1, " \t");
                StringBuilder value = new StringBuilder();
                if (i < n && header.charAt(i) == '"') {
                    i++;
                    while (i < n && header.charAt(i) != '"') {
                        if (header.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        value.append(header.charAt(i++));
                    }
                    i++; // the closing quote
                } else {
                    while (i < n && isToken(header.charAt(i))) {
                        value.append(header.charAt(i++));
                    }
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString());
            } else {
                // A new scheme starts: finish the previous challenge.
                if (scheme != null) {
                    out.add(new AuthChallenge(scheme, Map.copyOf(params)));
                    params.clear();
                }
                scheme = token.toLowerCase(Locale.ROOT);
                i = afterSpace;
            }
        }
        if (scheme != null) {
            out.add(new AuthChallenge(scheme, Map.copyOf(params)));
        }
    }

    private static int skip(String s, int i, String chars) {
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static boolean isToken(char c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0
                || c == '/' || c == ':'; // unquoted realms with URLs appear in the wild
    }
}
