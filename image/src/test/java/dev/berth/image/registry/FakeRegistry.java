package dev.berth.image.registry;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A registry endpoint made of canned answers, for what the reference registry cannot be made to
 * do: serve schema 1, fail twice, break off mid-blob, redirect. Serves {@code GET /v2/} with 200
 * unless told otherwise; records every request. Listens on 127.0.0.1 only.
 */
final class FakeRegistry implements AutoCloseable {
    /** A request as it arrived. */
    record Seen(String method, String path, String query, Headers headers) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange, int count) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        route("GET", "/v2/", (ex, n) -> respond(ex, 200, Map.of("Content-Type", "application/json"), "{}".getBytes()));
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code method path} (path without query) with {@code handler}, which is told how often it ran. */
    void route(String method, String path, Handler handler) {
        routes.put(method + " " + path, handler);
    }

    /** Serves a blob or manifest by digest (and, for a manifest, {@code tag}) in {@code repository}. */
    void serveManifest(String repository, String tag, Descriptor manifest, byte[] bytes) {
        Handler handler = (ex, n) -> respond(ex, 200, Map.of("Content-Type", manifest.mediaType(),
                "Docker-Content-Digest", manifest.digest().toString()), bytes);
        route("GET", "/v2/" + repository + "/manifests/" + tag, handler);
        route("GET", "/v2/" + repository + "/manifests/" + manifest.digest(), handler);
    }

    void serveBlob(String repository, Digest digest, byte[] bytes) {
        route("GET", "/v2/" + repository + "/blobs/" + digest, (ex, n) -> respond(ex, 200,
                Map.of("Content-Type", "application/octet-stream", "Docker-Content-Digest", digest.toString()), bytes));
    }

    void serve(String repository, String tag, TestImages.TestImage image) {
        serveManifest(repository, tag, image.manifest(), image.manifestBytes());
        image.blobs().forEach((digest, bytes) -> {
            if (!digest.equals(image.manifest().digest())) {
                serveBlob(repository, digest, bytes);
            }
        });
    }

    List<Seen> requests() {
        return List.copyOf(seen);
    }

    List<Seen> requests(String method, String path) {
        return seen.stream().filter(s -> s.method().equals(method) && s.path().equals(path)).toList();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            seen.add(new Seen(method, path, exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()));
            exchange.getRequestBody().readAllBytes();
            String key = method + " " + path;
            Handler handler = routes.get(key);
            if (handler == null) {
                respond(exchange, 404, Map.of("Content-Type", "application/json"),
                        "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}]}".getBytes());
                return;
            }
            handler.handle(exchange, counts.merge(key, 1, Integer::sum));
        }
    }

    static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow(); // interrupts handlers that stall on purpose
        server.stop(0);
    }
}
