package dev.berth.daemon.http;

/**
 * One entry of a route table: a method, a path template and its handler. Templates name path
 * parameters in braces, one segment each ({@code /containers/{id}/json}), or with a pattern of
 * their own for names that contain slashes, as moby writes them ({@code /images/{name:.*}/json}).
 * Every route is reachable with and without the {@code /vX.Y} prefix.
 *
 * @param hijacks true for routes that take over the connection (attach, exec start): the server
 *                stops parsing HTTP after the request, so the handler can call
 *                {@link Response#hijack(String)}
 */
public record Route(String method, String template, Handler handler, boolean hijacks) {

    public Route {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route template must start with /: " + template);
        }
    }

    public static Route get(String template, Handler handler) {
        return new Route("GET", template, handler, false);
    }

    public static Route head(String template, Handler handler) {
        return new Route("HEAD", template, handler, false);
    }

    public static Route post(String template, Handler handler) {
        return new Route("POST", template, handler, false);
    }

    public static Route put(String template, Handler handler) {
        return new Route("PUT", template, handler, false);
    }

    public static Route delete(String template, Handler handler) {
        return new Route("DELETE", template, handler, false);
    }

    /** A route whose handler takes over the connection ({@code POST /containers/{id}/attach}). */
    public static Route hijacking(String method, String template, Handler handler) {
        return new Route(method, template, handler, true);
    }
}
