package dev.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.oci.runtime.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a registry's challenge and the user's credentials into an {@code Authorization} header,
 * following Docker's token authentication ({@code distribution/docs/spec/auth/token.md}):
 *
 * <ul>
 *   <li>no challenge: anonymous, no header;</li>
 *   <li>{@code Basic}: the user name and password, if any;</li>
 *   <li>{@code Bearer realm=…,service=…}: a token from the realm, asked for with
 *       {@code GET realm?service=…&scope=repository:<name>:pull,push} (with the user's password as
 *       Basic credentials) or, for an identity token, {@code POST realm} with an OAuth2 refresh
 *       token grant. The answer's {@code token} or {@code access_token} is used; a registry
 *       token from the caller is used as is. Tokens are cached per realm, service, scopes and
 *       user until {@code expires_in} (at least 60 s, as Docker assumes) has passed.</li>
 * </ul>
 */
final class Authorizer {
    private static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
    private static final Duration EARLY = Duration.ofSeconds(5);

    private final Endpoints endpoints;
    private final Clock clock;
    private final Map<String, List<AuthChallenge>> challenges = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    Authorizer(Endpoints endpoints, Clock clock) {
        this.endpoints = endpoints;
        this.clock = clock;
    }

    /** Records a newer challenge for {@code host} than its ping gave (from a 401 answer). */
    void challenged(String host, List<AuthChallenge> newChallenges) {
        if (!newChallenges.isEmpty()) {
            challenges.put(host, List.copyOf(newChallenges));
        }
    }

    /**
     * The header value for a request to {@code endpoint} needing {@code scopes}, or {@code null}
     * to send none. {@code fresh} skips the token cache (after a 401 with a cached token).
     */
    String authorization(Endpoint endpoint, Credentials credentials, List<String> scopes, boolean fresh)
            throws IOException, RegistryResponseException, InterruptedException {
        List<AuthChallenge> current = challenges.getOrDefault(endpoint.host(), endpoint.challenges());
        AuthChallenge bearer = find(current, AuthChallenge.BEARER);
        if (bearer != null) {
            if (credentials.registryToken() != null && !credentials.registryToken().isEmpty()) {
                return "Bearer " + credentials.registryToken();
            }
            return "Bearer " + token(endpoint, bearer, credentials, scopes, fresh).value();
        }
        if (find(current, AuthChallenge.BASIC) != null && credentials.hasPassword()) {
            return basic(credentials);
        }
        return null;
    }

    static String basic(Credentials credentials) {
        String pair = credentials.username() + ":" + (credentials.password() == null ? "" : credentials.password());
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private Token token(Endpoint endpoint, AuthChallenge challenge, Credentials credentials, List<String> scopes,
            boolean fresh) throws IOException, RegistryResponseException, InterruptedException {
        String realm = challenge.parameter("realm");
        if (realm == null || realm.isEmpty()) {
            throw new IOException(endpoint.host() + ": bearer challenge without a realm");
        }
        String service = challenge.parameter("service");
        String key = realm + "|" + service + "|" + String.join(" ", new TreeSet<>(scopes)) + "|" + credentials.identity();
        Instant asked = clock.instant();
        // One fetch per key at a time: parallel layer transfers share the token the first one gets.
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            Token cached = tokens.get(key);
            boolean usable = cached != null && clock.instant().isBefore(cached.expires());
            if (usable && (!fresh || cached.obtained().isAfter(asked))) {
                return cached;
            }
            Token token = fetch(URI.create(realm), service, credentials, scopes);
            tokens.put(key, token);
            return token;
        }
    }

    private Token fetch(URI realm, String service, Credentials credentials, List<String> scopes)
            throws IOException, RegistryResponseException, InterruptedException {
        HttpClient client = endpoints.clientFor(realm);
        boolean oauth = credentials.identityToken() != null && !credentials.identityToken().isEmpty();
        if (oauth) {
            HttpResponse<InputStream> response = send(client, refreshGrant(realm, service, credentials, scopes));
            if (response.statusCode() != 404 && response.statusCode() != 405) {
                return read(response, "POST", realm);
            }
            response.body().close(); // the realm does not speak OAuth2: fall back to GET, as Docker does
        }
        List<String> query = new ArrayList<>();
        if (service != null) {
            query.add("service=" + encode(service));
        }
        for (String scope : scopes) {
            query.add("scope=" + encode(scope));
        }
        if (credentials.hasPassword()) {
            query.add("account=" + encode(credentials.username()));
        }
        URI uri = withQuery(realm, String.join("&", query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                .header("User-Agent", endpoints.config().userAgent())
                .timeout(endpoints.config().connectTimeout().plus(endpoints.config().idleTimeout()));
        if (credentials.hasPassword()) {
            request.header("Authorization", basic(credentials));
        }
        return read(send(client, request.build()), "GET", uri);
    }

    private HttpRequest refreshGrant(URI realm, String service, Credentials credentials, List<String> scopes) {
        String form = "grant_type=refresh_token&client_id=berth&access_type=offline"
                + "&refresh_token=" + encode(credentials.identityToken())
                + (service == null ? "" : "&service=" + encode(service))
                + (scopes.isEmpty() ? "" : "&scope=" + encode(String.join(" ", scopes)));
        return HttpRequest.newBuilder(realm)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("User-Agent", endpoints.config().userAgent())
                .timeout(endpoints.config().connectTimeout().plus(endpoints.config().idleTimeout()))
                .build();
    }

    private HttpResponse<InputStream> send(HttpClient client, HttpRequest request)
            throws IOException, InterruptedException {
        RetryPolicy retry = endpoints.config().retry();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<InputStream> response = client.send(request,
                        StreamingBody.handler(endpoints.config().idleTimeout()));
                if (!RetryPolicy.retryable(response.statusCode()) || attempt >= retry.maxAttempts()) {
                    return response;
                }
                response.body().close();
            } catch (IOException e) {
                if (!RepositorySession.retryable(e) || attempt >= retry.maxAttempts()) {
                    throw new IOException(request.method().charAt(0) + request.method().substring(1).toLowerCase()
                            + " \"" + request.uri() + "\": " + RepositorySession.describe(e), e);
                }
            }
            retry.sleepAfter(attempt);
        }
    }

    private Token read(HttpResponse<InputStream> response, String method, URI uri)
            throws IOException, RegistryResponseException {
        byte[] body;
        try (InputStream in = response.body()) {
            body = RepositorySession.readLimited(in, 1 << 20);
        }
        if (response.statusCode() != 200) {
            throw new RegistryResponseException(response.statusCode(), method, uri,
                    RegistryResponseException.withDefaults(response.statusCode(), RegistryError.parse(body)));
        }
        JsonNode json;
        try {
            json = OciJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new IOException("token from " + uri + ": not JSON: " + e.getMessage(), e);
        }
        String value = text(json, "token");
        if (value == null) {
            value = text(json, "access_token");
        }
        if (value == null) {
            throw new IOException("token from " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath()
                    + ": the answer has neither token nor access_token");
        }
        Duration lifetime = Duration.ofSeconds(json.path("expires_in").asLong(0));
        if (lifetime.compareTo(MIN_LIFETIME) < 0) {
            lifetime = MIN_LIFETIME;
        }
        // The lifetime counts from when the answer arrived, not from issued_at: a token server
        // whose clock is off by minutes would otherwise hand out tokens that are stale on arrival.
        Instant received = clock.instant();
        return new Token(value, received, received.plus(lifetime).minus(EARLY));
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json == null ? null : json.get(field);
        return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    private static AuthChallenge find(List<AuthChallenge> challenges, String scheme) {
        return challenges.stream().filter(c -> c.scheme().equals(scheme)).findFirst().orElse(null);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static URI withQuery(URI uri, String query) {
        if (query.isEmpty()) {
            return uri;
        }
        String text = uri.toString();
        return URI.create(text + (uri.getRawQuery() == null ? "?" : "&") + query);
    }

    /** A bearer token, when it was obtained and when to stop using it. */
    record Token(String value, Instant obtained, Instant expires) {}
}
