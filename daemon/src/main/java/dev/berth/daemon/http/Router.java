package dev.berth.daemon.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the route for a method and path. The {@code /vX.Y} prefix is split off first, so every
 * route answers both {@code /v1.50/info} and {@code /info}; the prefix becomes the request's API
 * version (checked by {@link ApiVersion#negotiate}). Routes are tried in the order the tables
 * list them, first match wins. A path that no route matches, or that matches only with another
 * method, is "page not found" as in dockerd.
 */
public final class Router {
    /** moby: {@code /v{version:[0-9.]+}}. */
    private static final Pattern VERSION_PREFIX = Pattern.compile("^/v([0-9.]+)(/.*)$");

    private record Entry(Route route, PathPattern pattern) {}

    /** A route found for a request, with its path parameters and the version text of the path (or null). */
    public record Match(Route route, Map<String, String> params, String versionText) {}

    private final List<Entry> entries;

    public Router(List<Route> routes) {
        List<Entry> list = new ArrayList<>();
        for (Route r : routes) {
            list.add(new Entry(r, PathPattern.compile(r.template())));
        }
        this.entries = List.copyOf(list);
    }

    public static Router of(RouteTable... tables) {
        List<Route> all = new ArrayList<>();
        for (RouteTable t : tables) {
            all.addAll(t.routes());
        }
        return new Router(all);
    }

    /**
     * The route for a request.
     *
     * @param path the decoded path, without the query
     * @return the match, or null for "page not found"
     */
    public Match match(String method, String path) {
        String versionText = null;
        Matcher v = VERSION_PREFIX.matcher(path);
        if (v.matches()) {
            versionText = v.group(1);
            path = v.group(2);
        }
        for (Entry e : entries) {
            if (!e.route().method().equals(method)) {
                continue;
            }
            Map<String, String> params = e.pattern().match(path);
            if (params != null) {
                return new Match(e.route(), Map.copyOf(params), versionText);
            }
        }
        return null;
    }

    public List<Route> routes() {
        return entries.stream().map(Entry::route).toList();
    }
}
