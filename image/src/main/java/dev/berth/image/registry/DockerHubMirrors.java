package dev.berth.image.registry;

import java.net.URI;
import java.util.List;

/**
 * Where pulls of Docker Hub images ({@code docker.io/…}) are served from, as dockerd's
 * {@code --registry-mirror} arranges it: each mirror in order, then Docker Hub's own registry.
 * A mirror that cannot be reached, refuses the request or lacks the image is passed over for
 * the next; only the last source's failure is the pull's. Mirrors hold the same repositories
 * under the same names ({@code library/busybox}), are reached over the scheme their URL names
 * (plain HTTP for {@code http://}), and receive the user's Docker Hub credentials. They never
 * serve other registries, pushes or logins.
 *
 * @param mirrors      pull-through caches, as {@code http(s)://host[:port]} with no path
 * @param registryHost where Docker Hub's API is served, {@code registry-1.docker.io}; tests point
 *                     it at a closed local port so that nothing can reach the real Docker Hub
 */
public record DockerHubMirrors(List<URI> mirrors, String registryHost) {
    public static final DockerHubMirrors NONE = new DockerHubMirrors(List.of(), RemoteRef.DOCKER_HUB_API);

    public DockerHubMirrors {
        mirrors = List.copyOf(mirrors);
        for (URI mirror : mirrors) {
            String scheme = mirror.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme) || mirror.getHost() == null) {
                throw new IllegalArgumentException("registry mirror " + mirror + ": expected http(s)://host[:port]");
            }
            String path = mirror.getRawPath();
            if (path != null && !path.isEmpty() && !path.equals("/") || mirror.getRawQuery() != null) {
                throw new IllegalArgumentException("registry mirror " + mirror + ": a mirror URL has no path or query");
            }
        }
        if (registryHost == null || registryHost.isBlank() || registryHost.contains("/")) {
            throw new IllegalArgumentException("docker hub registry host " + registryHost + ": expected host[:port]");
        }
    }

    /** Docker Hub's own registry with these mirrors in front of it. */
    public static DockerHubMirrors of(List<URI> mirrors) {
        return new DockerHubMirrors(mirrors, RemoteRef.DOCKER_HUB_API);
    }

    /**
     * The sources of a pull from Docker Hub, in the order they are tried, as {@link Endpoints}
     * keys: each mirror as {@code scheme://host[:port]}, then the registry's {@code host[:port]}.
     */
    List<String> sources() {
        List<String> all = new java.util.ArrayList<>();
        for (URI mirror : mirrors) {
            all.add(mirror.getScheme() + "://" + mirror.getRawAuthority());
        }
        all.add(registryHost);
        return all;
    }
}
