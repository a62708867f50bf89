package dev.berth.image.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Requests to one repository of one registry, on behalf of one user, for one set of token
 * scopes ({@code repository:<name>:pull}, plus {@code push} and the scopes of mount sources for
 * a push). It adds what every request needs: the {@code Authorization} header (and a fresh one
 * after a 401), retries with backoff on 5xx, 429 and broken connections (only for requests whose
 * body can be sent again), and redirects, which it follows by hand so that credentials never go
 * to another host (blob downloads are often redirected to a storage service).
 */
final class RepositorySession {
    static final int ERROR_BODY_LIMIT = 64 << 10;
    private static final long SMALL_BODY = 4 << 20;
    private static final int MAX_REDIRECTS = 10;

    private final Endpoints endpoints;
    private final Authorizer authorizer;
    private final String host;
    private final String repository;
    private final Credentials credentials;
    private final List<String> scopes;

    RepositorySession(Endpoints endpoints, Authorizer authorizer, String host, String repository,
            Credentials credentials, List<String> scopes) {
        this.endpoints = endpoints;
        this.authorizer = authorizer;
        this.host = host;
        this.repository = repository;
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.scopes = List.copyOf(scopes);
    }

    static String pullScope(String repository) {
        return "repository:" + repository + ":pull";
    }

    static String pushScope(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    /** The same session with more scopes in its tokens (a push's mount sources need pull access). */
    RepositorySession withScopes(java.util.Collection<String> more) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(scopes);
        all.addAll(more);
        return new RepositorySession(endpoints, authorizer, host, repository, credentials, List.copyOf(all));
    }

    /** The same repository, user and scopes at another source: a Docker Hub mirror. */
    RepositorySession at(String otherHost) {
        return new RepositorySession(endpoints, authorizer, otherHost, repository, credentials, scopes);
    }

    /** Where the requests go: {@code host[:port]}, or a mirror's URL. */
    String host() {
        return host;
    }

    String repository() {
        return repository;
    }

    /**
     * Pings the registry if not done yet and gets the token for this session's scopes, so that
     * a failure there is reported as the registry's, before any blob is touched.
     */
    void connect() throws IOException, RegistryResponseException, InterruptedException {
        authorizer.authorization(endpoints.endpoint(host), credentials, scopes, false);
    }

    /** The URL of {@code /v2/<repository>/<path>}. */
    URI uri(String path) throws IOException, RegistryResponseException, InterruptedException {
        return endpoints.endpoint(host).uri("/v2/" + repository + "/" + path);
    }

    /** A request: the body supplier is called once per attempt; {@code repeatable} allows retries. */
    record Request(String method, URI uri, Map<String, String> headers, Supplier<HttpRequest.BodyPublisher> body,
            boolean repeatable) {
        static Request of(String method, URI uri, Map<String, String> headers) {
            return new Request(method, uri, headers, HttpRequest.BodyPublishers::noBody, true);
        }
    }

    /**
     * Sends {@code request} and returns the final answer, whatever its status; the caller reads
     * or closes its body. Throws for a connection that failed on every attempt.
     */
    HttpResponse<InputStream> send(Request request) throws IOException, RegistryResponseException, InterruptedException {
        return send(request, RetryPolicy.Countdown.SILENT);
    }

    /**
     * {@link #send(Request)}, telling {@code countdown} of each backoff before a retry (after a
     * 5xx, a 429, a refused or reset connection), so that a layer's progress line can say
     * {@code Retrying in 1 second} instead of standing still.
     */
    HttpResponse<InputStream> send(Request request, RetryPolicy.Countdown countdown)
            throws IOException, RegistryResponseException, InterruptedException {
        Endpoint endpoint = endpoints.endpoint(host);
        RetryPolicy retry = endpoints.config().retry();
        String authorization = null;
        boolean reauthorized = false;
        URI uri = request.uri();
        int redirects = 0;
        for (int attempt = 1; ; attempt++) {
            boolean sameHost = Objects.equals(uri.getAuthority(), endpoint.base().getAuthority());
            if (!reauthorized) {
                // Asked on every attempt: a cached token may expire during a long backoff.
                authorization = authorizer.authorization(endpoint, credentials, scopes, false);
            }
            HttpClient client = sameHost ? endpoint.client() : endpoints.clientFor(uri);
            HttpRequest.BodyPublisher body = request.body().get();
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .method(request.method(), body)
                    .header("User-Agent", endpoints.config().userAgent());
            if (body.contentLength() >= 0 && body.contentLength() <= SMALL_BODY) {
                // Bounds the wait for an answer; an upload of a large blob may take as long as it needs.
                builder.timeout(endpoints.config().connectTimeout().plus(endpoints.config().idleTimeout()));
            }
            request.headers().forEach(builder::header);
            if (authorization != null && sameHost) {
                builder.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(builder.build(), StreamingBody.handler(endpoints.config().idleTimeout()));
            } catch (IOException e) {
                if (!request.repeatable() || !retryable(e) || attempt >= retry.maxAttempts()) {
                    throw new IOException(verb(request.method()) + " \"" + uri + "\": " + describe(e), e);
                }
                retry.sleepAfter(attempt, countdown);
                continue;
            }
            int status = response.statusCode();
            if (status == 401 && sameHost && !reauthorized && request.repeatable()) {
                authorizer.challenged(host, AuthChallenge.parse(response.headers().allValues("WWW-Authenticate")));
                String renewed = authorizer.authorization(endpoint, credentials, scopes, true);
                reauthorized = true;
                if (renewed != null && !renewed.equals(authorization)) {
                    response.body().close();
                    authorization = renewed;
                    attempt--; // a renewed credential is not a failed attempt
                    continue;
                }
                return response;
            }
            if (RetryPolicy.retryable(status) && request.repeatable() && attempt < retry.maxAttempts()) {
                response.body().close();
                retry.sleepAfter(attempt, countdown);
                continue;
            }
            if (isRedirect(status) && (request.method().equals("GET") || request.method().equals("HEAD"))) {
                String location = response.headers().firstValue("Location").orElse(null);
                if (location != null && redirects++ < MAX_REDIRECTS) {
                    response.body().close();
                    uri = uri.resolve(location);
                    attempt = 0;
                    continue;
                }
            }
            return response;
        }
    }

    /**
     * Sends {@code request} and returns the answer if its status is one of {@code expected};
     * otherwise reads the registry's error body and throws it.
     */
    HttpResponse<InputStream> expect(Request request, int... expected)
            throws IOException, RegistryResponseException, InterruptedException {
        HttpResponse<InputStream> response = send(request);
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw failure(request.method(), response);
    }

    /** The error an unexpected answer stands for, with the registry's error body. */
    static RegistryResponseException failure(String method, HttpResponse<InputStream> response) throws IOException {
        byte[] body;
        try (InputStream in = response.body()) {
            body = method.equals("HEAD") ? new byte[0] : readLimited(in, ERROR_BODY_LIMIT);
        }
        return new RegistryResponseException(response.statusCode(), method, response.uri(),
                RegistryResponseException.withDefaults(response.statusCode(), RegistryError.parse(body)));
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Broken and refused connections and timeouts pass; certificate problems do not. */
    static boolean retryable(IOException e) {
        return !(e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException);
    }

    /** Reads at most {@code limit} bytes; more is an error (a manifest, an error body). */
    static byte[] readLimited(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (out.size() + n > limit) {
                throw new IOException("response larger than " + limit + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** {@code connection refused}, {@code no data received for 60s}: the cause as Docker's messages put it. */
    static String describe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException && (t.getMessage() == null || t.getMessage().contains("refused"))) {
                return "connect: connection refused"; // the JDK's exception often has no message at all
            }
        }
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (message == null || message.isEmpty()) {
            message = cause.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }

    static String verb(String method) {
        return method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
