package dev.berth.image.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code docker search}: the registry's v1 search endpoint, as dockerd asks it. The term names
 * the index ({@code 127.0.0.1:5000/busy} searches that registry for {@code busy}; a term without
 * a host part searches Docker Hub's index, {@code index.docker.io}). A registry other than
 * Docker Hub's is first pinged at {@code /v1/_ping}, where any answer will do: over HTTPS, and
 * for an insecure one ({@code --insecure-registry}, or a loopback address) over plain HTTP too,
 * a secure one never. The search itself is {@code GET /v1/search?q=<term>&n=<limit>}.
 *
 * <p>Registries of the distribution API v2 alone (Debian's docker-registry 2.8 among them) have
 * no search and answer 404; there is nothing to fall back to, and dockerd reports the status
 * ({@code Unexpected status code 404}) as an error of its own (500). So does this class.
 */
final class RegistrySearch {
    static final int DEFAULT_LIMIT = 25;
    private static final String HUB_INDEX = "index.docker.io";
    private static final int RESULTS_LIMIT = 8 << 20;
    /** How long plain HTTP may answer an insecure registry's ping alone before TLS is tried. */
    private static final Duration PLAIN_HEAD_START = Duration.ofMillis(1000);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The registry's answer; only {@code results} matters to the Engine API. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(@JsonProperty("results") List<SearchResult> results) {}

    private final Endpoints endpoints;

    RegistrySearch(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** The repositories of {@code term}'s index that match its remote part, at most {@code limit} (0: 25). */
    List<SearchResult> search(String term, int limit, Credentials credentials)
            throws ImageException, InterruptedException {
        if (term.contains("://")) {
            throw ImageException.invalid("invalid repository name: repository name (" + term
                    + ") should not have a scheme");
        }
        int n = limit == 0 ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > 100) {
            throw ImageException.invalid("limit " + n + " is outside the range of [1, 100]");
        }
        String[] split = split(term);
        String index = split[0];
        String remote = split[1];
        URI base;
        if (index.equals(RemoteRef.DOCKER_HUB)) {
            base = URI.create("https://" + HUB_INDEX + "/v1/");
            remote = remote.startsWith("library/") ? remote.substring("library/".length()) : remote;
        } else {
            base = ping(index);
        }
        URI uri = base.resolve("search?q=" + URLEncoder.encode(remote, StandardCharsets.UTF_8) + "&n=" + n);
        HttpResponse<InputStream> response;
        try {
            response = client(uri).send(request(uri, credentials), StreamingBody.handler(endpoints.config().idleTimeout()));
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE,
                    "search " + term + ": " + RepositorySession.describe(e), e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw ImageException.internal("search " + term + ": unexpected status code " + response.statusCode(),
                        null);
            }
            Answer answer = JSON.readValue(RepositorySession.readLimited(body, RESULTS_LIMIT), Answer.class);
            return answer.results() == null ? List.of() : answer.results();
        } catch (IOException e) {
            throw ImageException.internal("search " + term + ": error decoding registry search results: "
                    + RepositorySession.describe(e), e);
        }
    }

    /**
     * The index and the remote name of a term: the part before the first slash is a host if it
     * has a dot or a colon or is {@code localhost}, as in the docker CLI and dockerd.
     */
    static String[] split(String term) {
        int slash = term.indexOf('/');
        if (slash < 0) {
            return new String[] {RemoteRef.DOCKER_HUB, term};
        }
        String first = term.substring(0, slash);
        if (!first.contains(".") && !first.contains(":") && !first.equals("localhost")) {
            return new String[] {RemoteRef.DOCKER_HUB, term};
        }
        if (first.equals(RemoteRef.DOCKER_HUB) || first.equals(HUB_INDEX)) {
            return new String[] {RemoteRef.DOCKER_HUB, term.substring(slash + 1)};
        }
        return new String[] {first, term.substring(slash + 1)};
    }

    /**
     * The v1 base URL of {@code index} that answered a ping: HTTPS, or HTTP for an insecure
     * registry. dockerd tries HTTPS first; a plain-HTTP server may never answer a TLS hello,
     * though (it waits for a request line), which would cost a whole timeout on every search of
     * a local registry. So, as {@link Endpoints} does for pulls, plain HTTP is asked first with
     * a head start, and its answer is taken unless it is the 400 with which a TLS port answers
     * plain HTTP; a port speaks one of the two, so the outcome is dockerd's.
     */
    private URI ping(String index) throws ImageException, InterruptedException {
        URI https = URI.create("https://" + index + "/v1/");
        if (!endpoints.isInsecure(index)) {
            try {
                ping(https).join();
                return https;
            } catch (CompletionException e) {
                throw ImageException.invalid("invalid registry endpoint " + https + ": " + describe(e)
                        + ". If this private registry supports only HTTP or HTTPS with an unknown CA certificate,"
                        + " please add `--insecure-registry " + index + "` to the daemon's arguments", e.getCause());
            }
        }
        URI http = URI.create("http://" + index + "/v1/");
        CompletableFuture<Integer> clear = ping(http);
        try {
            if (clear.get(PLAIN_HEAD_START.toMillis(), TimeUnit.MILLISECONDS) != 400) {
                return http;
            }
        } catch (ExecutionException | TimeoutException e) {
            // failed or slow: TLS then
        }
        Throwable httpsFailure;
        try {
            ping(https).join();
            clear.cancel(true);
            return https;
        } catch (CompletionException e) {
            httpsFailure = e;
        }
        try {
            clear.join();
            return http;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            throw ImageException.invalid("invalid registry endpoint \"" + http + "\". HTTPS attempt: "
                    + describe(httpsFailure) + ". HTTP attempt: " + describe(e), e);
        }
    }

    /** Any HTTP answer will do: dockerd reads only whether the registry says it is standalone. */
    private CompletableFuture<Integer> ping(URI base) {
        URI uri = base.resolve("_ping");
        try {
            return client(uri).sendAsync(request(uri, null), HttpResponse.BodyHandlers.discarding())
                    .thenApply(HttpResponse::statusCode);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof CompletionException || e instanceof ExecutionException ? e.getCause() : e;
        return cause instanceof IOException io ? RepositorySession.describe(io)
                : cause == null ? String.valueOf(e) : String.valueOf(cause.getMessage());
    }

    private HttpClient client(URI uri) throws IOException {
        return endpoints.clientFor(uri);
    }

    private HttpRequest request(URI uri, Credentials credentials) {
        RegistryConfig config = endpoints.config();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET()
                .header("User-Agent", config.userAgent())
                .header("X-Docker-Token", "true")
                .timeout(config.connectTimeout().plus(config.idleTimeout()));
        if (credentials != null && credentials.username() != null && !credentials.username().isEmpty()) {
            String basic = credentials.username() + ":" + (credentials.password() == null ? "" : credentials.password());
            builder.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return builder.build();
    }
}
