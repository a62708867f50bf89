package dev.berth.daemon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * One API request as a handler sees it: method, path parameters, query, headers, the negotiated
 * API version and the body as a stream. The body is not read ahead; it arrives while the
 * handler reads it.
 */
public final class Request {
    private final String method;
    private final String uri;
    private final String path;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final Map<String, String> params;
    private final ApiVersion version;
    private final InputStream body;
    private final Exchange exchange;

    Request(String method, String uri, String path, Map<String, List<String>> query, HttpHeaders headers,
            Map<String, String> params, ApiVersion version, InputStream body, Exchange exchange) {
        this.exchange = exchange;
        this.method = method;
        this.uri = uri;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.params = params;
        this.version = version;
        this.body = body;
    }

    public String method() {
        return method;
    }

    /** The request target as sent, with the version prefix and the query. */
    public String uri() {
        return uri;
    }

    /** The decoded path, with the version prefix if the client sent one. */
    public String path() {
        return path;
    }

    /** The API version: the path's {@code /vX.Y}, or the daemon's current one. */
    public ApiVersion version() {
        return version;
    }

    /** A path parameter of the route ({@code id} of {@code /containers/{id}/json}). */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("route has no parameter " + name);
        }
        return v;
    }

    /** A header, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of a repeated query parameter ({@code ?platform=a&platform=b}). */
    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /**
     * A boolean query parameter as moby reads one: absent, empty, {@code 0}, {@code no},
     * {@code false} and {@code none} are false, anything else is true.
     */
    public boolean queryBool(String name) {
        String v = query(name);
        if (v == null) {
            return false;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "0", "no", "false", "none" -> false;
            default -> true;
        };
    }

    /** An integer query parameter, or {@code fallback} if absent; a malformed one is a 400. */
    public long queryLong(String name, long fallback) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid value for " + name + ": " + v);
        }
    }

    /** The body, streamed from the connection. */
    public InputStream body() {
        return body;
    }

    /**
     * The body as JSON, or null for an empty body. A malformed body is a 400, as in dockerd.
     */
    public <T> T bodyJson(Class<T> type) throws IOException {
        byte[] bytes = body.readAllBytes();
        if (bytes.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(bytes, type);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ApiException(ErrorKind.INVALID_ARGUMENT, "invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Runs {@code callback} when the client goes away before the answer is complete (at once if
     * it already has). A handler that waits on something other than the request's own streams
     * (an event queue, a download) registers here to stop waiting.
     */
    public void onCancel(Runnable callback) {
        exchange.onCancel(callback);
    }

    /** True once the client has gone away. */
    public boolean isCancelled() {
        return exchange.isCancelled();
    }

    /** True if the client asked to upgrade the connection ({@code Connection: Upgrade}, {@code Upgrade: tcp}). */
    public boolean wantsUpgrade() {
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.contains(HttpHeaderNames.UPGRADE);
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
