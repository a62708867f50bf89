package dev.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * Finds out how to talk to each registry, once per host, and keeps the HTTP clients.
 *
 * <p>A secure registry is reached over HTTPS with the JVM's trust plus its certs.d directory;
 * a failure there is final. An insecure one ({@link InsecureRegistries}) is tried as Docker
 * tries it: HTTPS without verification, then plain HTTP. The ping ({@code GET /v2/}) that
 * decides also yields the authentication challenge: 200 means anonymous access, 401 carries
 * {@code WWW-Authenticate}. A 5xx answer is retried; the outcome is cached for the
 * life of the client (a changed challenge is picked up from later 401 answers).
 *
 * <p>A registry mirror ({@link DockerHubMirrors}) is keyed by its URL, {@code http://host:port}
 * or {@code https://host:port}: its scheme is given, so only that one is pinged.
 */
final class Endpoints implements AutoCloseable {
    /** How long plain HTTP may answer an insecure registry's ping alone before TLS is tried too. */
    private static final Duration PLAIN_HEAD_START = Duration.ofMillis(1000);

    private final RegistryConfig config;
    private final InsecureRegistries insecure;
    private final CertsDirectory certs;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    Endpoints(RegistryConfig config) {
        this.config = config;
        this.insecure = new InsecureRegistries(config.insecureRegistries(), config.loopbackInsecure());
        this.certs = new CertsDirectory(config.certsDir());
    }

    RegistryConfig config() {
        return config;
    }

    /** How to reach {@code host} ({@code name[:port]}, or a mirror's URL), pinging it the first time. */
    Endpoint endpoint(String host) throws IOException, RegistryResponseException, InterruptedException {
        Endpoint known = endpoints.get(host);
        if (known != null) {
            return known;
        }
        synchronized (locks.computeIfAbsent(host, h -> new Object())) {
            known = endpoints.get(host);
            if (known == null) {
                known = probe(host);
                endpoints.put(host, known);
            }
            return known;
        }
    }

    /** Whether {@code host} ({@code host[:port]}) may be reached over plain HTTP or unverified TLS. */
    boolean isInsecure(String host) {
        return insecure.isInsecure(host);
    }

    /** A client for any URL (a token realm on another host), with the TLS rules of its host. */
    HttpClient clientFor(URI uri) throws IOException {
        String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        if (!uri.getScheme().equals("https")) {
            return client("plain", null);
        }
        return insecure.isInsecure(host) ? client("insecure", null) : verifyingClient(host);
    }

    private Endpoint probe(String host) throws IOException, RegistryResponseException, InterruptedException {
        if (host.contains("://")) {
            return probeMirror(host);
        }
        URI https = URI.create("https://" + host);
        if (!insecure.isInsecure(host)) {
            HttpClient client = verifyingClient(host);
            return new Endpoint(host, https, client, false, ping(client, https, send(client, https)));
        }
        // Docker tries HTTPS without verification, then plain HTTP. Both are asked here: a port
        // speaks only one of them, and a plain-HTTP server may never answer a TLS hello (it waits
        // for a request line), which would cost a whole timeout before trying HTTP. Plain HTTP
        // gets a head start: a local registry answers it quickly (within 200 ms even in a fresh
        // JVM), and then TLS is never set up (a first handshake costs a fresh JVM a few hundred ms
        // of CPU); a TLS server answers plain HTTP with 400 or hangs up at once, and then TLS
        // starts without waiting. Only a TLS server that stays silent costs the whole head start.
        URI http = URI.create("http://" + host);
        HttpClient plain = client("plain", null);
        CompletableFuture<HttpResponse<InputStream>> clear = plain.sendAsync(pingRequest(http), handler());
        CompletableFuture<HttpResponse<InputStream>> tls = null;
        try {
            try {
                clear.get(PLAIN_HEAD_START.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException examinedBelow) {
                // failed or slow: TLS it is, or both
            }
            if (clear.isDone() && !clear.isCompletedExceptionally() && isRegistryAnswer(clear.join())) {
                return new Endpoint(host, http, plain, true, ping(plain, http, clear.join()));
            }
            HttpClient secure = client("insecure", null);
            tls = secure.sendAsync(pingRequest(https), handler());
            while (true) {
                if (tls.isDone() && !tls.isCompletedExceptionally()) {
                    discard(clear);
                    return new Endpoint(host, https, secure, true, ping(secure, https, tls.join()));
                }
                if (tls.isDone() || clear.isDone() && !clear.isCompletedExceptionally()
                        && isRegistryAnswer(clear.join())) {
                    // TLS failed, or HTTP gave a registry's answer (a TLS server answers plain HTTP with 400).
                    HttpResponse<InputStream> answer = await(clear, http);
                    discard(tls);
                    return new Endpoint(host, http, plain, true, ping(plain, http, answer));
                }
                CompletableFuture<?> next = clear.isDone() ? tls : CompletableFuture.anyOf(tls, clear);
                try {
                    next.get();
                } catch (ExecutionException examinedAbove) {
                    // the loop looks at each outcome
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            if (tls != null) {
                discard(tls);
            }
            discard(clear);
            throw e;
        }
    }

    /** A mirror is reached over the scheme its URL names; HTTPS verifies unless its host is insecure. */
    private Endpoint probeMirror(String url) throws IOException, RegistryResponseException, InterruptedException {
        URI base = URI.create(url);
        String authority = base.getRawAuthority();
        boolean insecureHost = insecure.isInsecure(authority);
        HttpClient client = base.getScheme().equals("http") ? client("plain", null)
                : insecureHost ? client("insecure", null) : verifyingClient(authority);
        return new Endpoint(url, base, client, insecureHost || base.getScheme().equals("http"),
                ping(client, base, send(client, base)));
    }

    /** A registry's answer to the ping: 200 (anonymous) or 401 (a challenge). A TLS port answers HTTP with 400. */
    private static boolean isRegistryAnswer(HttpResponse<InputStream> response) {
        return response.statusCode() == 200 || response.statusCode() == 401;
    }

    private HttpRequest pingRequest(URI base) {
        return HttpRequest.newBuilder(base.resolve("/v2/")).GET()
                .header("User-Agent", config.userAgent())
                .timeout(config.connectTimeout().plus(config.idleTimeout()))
                .build();
    }

    private HttpResponse.BodyHandler<InputStream> handler() {
        return StreamingBody.handler(config.idleTimeout());
    }

    private HttpResponse<InputStream> send(HttpClient client, URI base) throws IOException, InterruptedException {
        try {
            return client.send(pingRequest(base), handler());
        } catch (IOException e) {
            throw new IOException("Get \"" + base.resolve("/v2/") + "\": " + RepositorySession.describe(e), e);
        }
    }

    private static HttpResponse<InputStream> await(CompletableFuture<HttpResponse<InputStream>> future, URI base)
            throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            throw new IOException("Get \"" + base.resolve("/v2/") + "\": " + RepositorySession.describe(cause), cause);
        }
    }

    private static void discard(CompletableFuture<HttpResponse<InputStream>> future) {
        future.whenComplete((response, error) -> {
            if (response != null) {
                try {
                    response.body().close();
                } catch (IOException ignored) {
                    // a probe that lost the race
                }
            }
        });
        future.cancel(true);
    }

    /**
     * Reads the ping's answer ({@code first}), asking again while it is a 5xx: 200 means
     * anonymous access, 401 brings the challenge; anything else is not a v2 registry, which the
     * next request will show with a better message than the ping could.
     */
    private List<AuthChallenge> ping(HttpClient client, URI base, HttpResponse<InputStream> first)
            throws IOException, RegistryResponseException, InterruptedException {
        HttpResponse<InputStream> response = first;
        for (int attempt = 1; ; attempt++) {
            int status = response.statusCode();
            if (RetryPolicy.retryable(status) && attempt < config.retry().maxAttempts()) {
                response.body().close();
                config.retry().sleepAfter(attempt);
                response = send(client, base);
                continue;
            }
            try (InputStream body = response.body()) {
                if (status >= 500) {
                    throw new RegistryResponseException(status, "GET", response.uri(),
                            RegistryError.parse(RepositorySession.readLimited(body, RepositorySession.ERROR_BODY_LIMIT)));
                }
                body.transferTo(OutputStream.nullOutputStream()); // drained, the connection is reused
            }
            return status == 401 ? AuthChallenge.parse(response.headers().allValues("WWW-Authenticate")) : List.of();
        }
    }

    private HttpClient verifyingClient(String host) throws IOException {
        boolean own = Files.isDirectory(config.certsDir().resolve(host));
        return client(own ? "verify:" + host : "verify", host);
    }

    private HttpClient client(String key, String host) throws IOException {
        HttpClient existing = clients.get(key);
        if (existing != null) {
            return existing;
        }
        synchronized (clients) {
            existing = clients.get(key);
            if (existing != null) {
                return existing;
            }
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, dropping credentials
                    .connectTimeout(config.connectTimeout());
            try {
                SSLContext context = switch (key) {
                    case "plain" -> CertsDirectory.trustingNone();
                    case "insecure" -> CertsDirectory.trustingAll();
                    default -> certs.verifying(host);
                };
                builder.sslContext(context);
            } catch (GeneralSecurityException e) {
                throw new IOException("tls settings for " + host + ": " + e.getMessage(), e);
            }
            HttpClient client = builder.build();
            clients.put(key, client);
            return client;
        }
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.values().forEach(HttpClient::shutdownNow);
            clients.clear();
        }
        endpoints.clear();
    }
}
