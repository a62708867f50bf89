package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Berth's client of the OCI distribution API (registry HTTP API v2): pull images into a
 * {@link ContentStore}, push them from one, resolve references. One instance serves the whole
 * daemon: it keeps, per registry, how to reach it (HTTPS or, for insecure registries, HTTP;
 * see {@link RegistryConfig}), the HTTP connections, and bearer tokens until they expire.
 * Credentials come per call ({@link PullOptions#credentials()}, from the docker CLI's
 * {@code X-Registry-Auth}) or from the {@link CredentialProvider} given here. Pulls from Docker
 * Hub try its {@link DockerHubMirrors} first.
 *
 * <p>Every failure is an {@link ImageException} worded as Docker words it (see
 * {@code RegistryErrors}); a registry's answer stays attached as a
 * {@link RegistryResponseException} cause. Thread-safe; close it to release the connections.
 */
public final class RegistryClient implements AutoCloseable {
    private final RegistryConfig config;
    private final CredentialProvider credentials;
    private final DockerHubMirrors dockerHub;
    private final Endpoints endpoints;
    private final Authorizer authorizer;
    private final Puller puller;
    private final Pusher pusher;
    private final RegistrySearch search;

    public RegistryClient(RegistryConfig config, CredentialProvider credentials) {
        this(config, credentials, DockerHubMirrors.NONE, Clock.systemUTC());
    }

    public RegistryClient(RegistryConfig config, CredentialProvider credentials, DockerHubMirrors dockerHub) {
        this(config, credentials, dockerHub, Clock.systemUTC());
    }

    RegistryClient(RegistryConfig config, CredentialProvider credentials, Clock clock) {
        this(config, credentials, DockerHubMirrors.NONE, clock);
    }

    private RegistryClient(RegistryConfig config, CredentialProvider credentials, DockerHubMirrors dockerHub,
            Clock clock) {
        this.config = config;
        this.credentials = credentials;
        this.dockerHub = dockerHub;
        this.endpoints = new Endpoints(config);
        this.authorizer = new Authorizer(endpoints, clock);
        this.puller = new Puller(config);
        this.pusher = new Pusher(config);
        this.search = new RegistrySearch(endpoints);
    }

    public RegistryConfig config() {
        return config;
    }

    /**
     * Builds, without connecting anywhere, the HTTP client that plain-HTTP registries use, so a
     * daemon can pay for the client's classes and threads right after it starts rather than in
     * its first pull, which then reuses the client.
     */
    public void warmUp() throws IOException {
        endpoints.clientFor(java.net.URI.create("http://localhost/"));
    }

    /**
     * Pulls {@code ref} for {@code platform} ({@code null}: the host's) into {@code store}: index
     * (if any), manifest, config and layers, all verified. See {@code Puller} for the events.
     */
    public PullResult pull(RemoteRef ref, Platform platform, ContentStore store, ProgressListener progress)
            throws ImageException, InterruptedException {
        return pull(ref, store, PullOptions.defaults().withPlatform(platform).withProgress(progress));
    }

    public PullResult pull(RemoteRef ref, ContentStore store, PullOptions options)
            throws ImageException, InterruptedException {
        RepositorySession session = session(ref, options.credentials(), List.of(RepositorySession.pullScope(ref.repository())));
        if (!ref.registry().equals(RemoteRef.DOCKER_HUB)) {
            return puller.pull(List.of(session), ref, store, options);
        }
        List<RepositorySession> sources = new java.util.ArrayList<>();
        for (String source : dockerHub.sources()) {
            sources.add(session.at(source));
        }
        return puller.pull(sources, ref, store, options);
    }

    /**
     * Pushes the image or index {@code root} (in {@code store}) to {@code target}'s repository,
     * tagged with its tag.
     */
    public PushResult push(RemoteRef target, Descriptor root, ContentStore store, PushOptions options)
            throws ImageException, InterruptedException {
        RepositorySession session = session(target, options.credentials(),
                List.of(RepositorySession.pushScope(target.repository())));
        return pusher.push(session, target, root, store, options);
    }

    /** What {@code ref} names, verified, without pulling anything else. */
    public RegistryResolver.Resolved resolve(RemoteRef ref, Credentials credentials)
            throws ImageException, InterruptedException {
        RepositorySession session = session(ref, credentials, List.of(RepositorySession.pullScope(ref.repository())));
        try {
            return RegistryResolver.resolve(session, ref);
        } catch (IOException | RegistryResponseException e) {
            throw RegistryErrors.pull(ref, null, e);
        }
    }

    /**
     * Checks that {@code credentials} are accepted by {@code registry} ({@code docker login}):
     * the ping's challenge is answered (for a token realm, a token without scope is fetched) and
     * {@code /v2/} must then answer 200. Wrong credentials are {@code INVALID_ARGUMENT} with the
     * registry's words ({@code unauthorized: …}).
     */
    public void login(String registry, Credentials credentials) throws ImageException, InterruptedException {
        String host = RemoteRef.DOCKER_HUB.equals(registry) ? dockerHub.registryHost() : registry;
        try {
            Endpoint endpoint = endpoints.endpoint(host);
            RepositorySession session = new RepositorySession(endpoints, authorizer, host, "", credentials, List.of());
            HttpResponse<InputStream> response = session.expect(
                    RepositorySession.Request.of("GET", endpoint.uri("/v2/"), Map.of()), 200);
            response.body().close();
        } catch (RegistryResponseException e) {
            throw new ImageException(e.isAccessDenied() ? ImageException.Kind.INVALID_ARGUMENT
                    : ImageException.Kind.UNAVAILABLE, e.getMessage(), e);
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE, e.getMessage(), e);
        }
    }

    /**
     * {@code docker search}: the repositories that the index named in {@code term} finds for the
     * rest of it, at most {@code limit} (0: 25), unfiltered; see {@link RegistrySearch}.
     */
    public List<SearchResult> search(String term, int limit, Credentials credentials)
            throws ImageException, InterruptedException {
        return search.search(term, limit, credentials);
    }

    private RepositorySession session(RemoteRef ref, Credentials explicit, List<String> scopes) throws ImageException {
        Credentials user = explicit != null ? explicit : credentials.credentials(ref.registry());
        String host = ref.registry().equals(RemoteRef.DOCKER_HUB) ? dockerHub.registryHost() : ref.registry();
        return new RepositorySession(endpoints, authorizer, host, ref.repository(), user, scopes);
    }

    @Override
    public void close() {
        endpoints.close();
    }
}
