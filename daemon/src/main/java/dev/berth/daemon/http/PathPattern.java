package dev.berth.daemon.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiled route template. {@code {id}} matches one path segment; {@code {name:regex}} matches
 * the regex (moby's {@code {name:.*}} for image names with slashes). Literal text matches itself.
 */
final class PathPattern {
    private final String template;
    private final Pattern regex;
    private final List<String> names;

    private PathPattern(String template, Pattern regex, List<String> names) {
        this.template = template;
        this.regex = regex;
        this.names = names;
    }

    static PathPattern compile(String template) {
        StringBuilder re = new StringBuilder();
        List<String> names = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                re.append(Pattern.quote(template.substring(i)));
                break;
            }
            if (open > i) {
                re.append(Pattern.quote(template.substring(i, open)));
            }
            int close = closingBrace(template, open);
            String param = template.substring(open + 1, close);
            int colon = param.indexOf(':');
            String name = colon < 0 ? param : param.substring(0, colon);
            String inner = colon < 0 ? "[^/]+" : param.substring(colon + 1);
            if (name.isEmpty() || names.contains(name)) {
                throw new IllegalArgumentException("bad or repeated parameter name in route " + template);
            }
            // Named groups ("p0", "p1", ...) so that a parameter's own regex may hold groups of its own.
            re.append("(?<p").append(names.size()).append('>').append(inner).append(')');
            names.add(name);
            i = close + 1;
        }
        return new PathPattern(template, Pattern.compile(re.toString()), List.copyOf(names));
    }

    /** The parameters of a matching path, or null if the path does not match. */
    Map<String, String> match(String path) {
        Matcher m = regex.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int g = 0; g < names.size(); g++) {
            params.put(names.get(g), m.group("p" + g));
        }
        return params;
    }

    String template() {
        return template;
    }

    /** Braces may nest inside a parameter's regex ({@code {n:[0-9]{2}}}). */
    private static int closingBrace(String t, int open) {
        int depth = 0;
        for (int j = open; j < t.length(); j++) {
            char c = t.charAt(j);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("unclosed { in route " + t);
    }
}
