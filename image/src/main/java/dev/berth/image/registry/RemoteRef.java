package dev.berth.image.registry;

import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import java.util.Objects;

/**
 * What the registry client pulls or pushes: a registry ({@code docker.io}, {@code localhost:5000}),
 * a repository path in it ({@code library/busybox}) and a tag, a digest or both (then the digest
 * wins, as in Docker). Names are already normalized the way Docker normalizes them; {@link #of}
 * applies Docker Hub's rules ({@code index.docker.io} is {@code docker.io}, one-component names
 * there live under {@code library/}) for callers that hold plain strings.
 *
 * <p>Docker Hub's API is not served at {@code docker.io} but at {@code registry-1.docker.io}:
 * {@link #apiHost()} says where to connect, {@link #registry()} what to show and to look
 * credentials up by.
 */
public record RemoteRef(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    static final String DOCKER_HUB_API = "registry-1.docker.io";

    public RemoteRef {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (registry.isEmpty() || repository.isEmpty()) {
            throw new IllegalArgumentException("invalid reference format: empty registry or repository");
        }
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("reference " + registry + "/" + repository + " needs a tag or a digest");
        }
    }

    /**
     * A reference from plain parts; {@code tagOrDigest} is a tag ({@code latest}) or a digest
     * ({@code sha256:…}).
     */
    public static RemoteRef of(String registry, String repository, String tagOrDigest) {
        String host = registry;
        if (host.equals("index.docker.io") || host.equals(DOCKER_HUB_API)) {
            host = DOCKER_HUB;
        }
        String path = host.equals(DOCKER_HUB) && !repository.contains("/") ? "library/" + repository : repository;
        if (tagOrDigest.contains(":")) {
            return new RemoteRef(host, path, null, Digest.parse(tagOrDigest));
        }
        return new RemoteRef(host, path, tagOrDigest, null);
    }

    /** The registry reference for a parsed image reference; a name alone means {@code :latest}. */
    public static RemoteRef of(ImageReference ref) {
        if (ref.tag() == null && ref.digest() == null) {
            return new RemoteRef(ref.domain(), ref.path(), ImageReference.DEFAULT_TAG, null);
        }
        return new RemoteRef(ref.domain(), ref.path(), ref.tag(), ref.digest());
    }

    public RemoteRef withTag(String newTag) {
        return new RemoteRef(registry, repository, newTag, null);
    }

    public RemoteRef withDigest(Digest newDigest) {
        return new RemoteRef(registry, repository, null, newDigest);
    }

    /** The reference part of {@code /v2/<name>/manifests/<reference>}: the digest if any, else the tag. */
    public String reference() {
        return digest != null ? digest.toString() : tag;
    }

    /** The host (and port) to connect to: {@code registry-1.docker.io} for Docker Hub. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** The name as Docker shows it: {@code busybox}, {@code user/repo}, {@code localhost:5000/repo}. */
    public String familiarName() {
        if (registry.equals(DOCKER_HUB)) {
            return repository.startsWith("library/") && repository.indexOf('/', 8) < 0
                    ? repository.substring(8) : repository;
        }
        return registry + "/" + repository;
    }

    /** The familiar name with tag and digest: {@code busybox:latest}. */
    public String familiarString() {
        return familiarName() + suffix();
    }

    /** {@code docker.io/library/busybox} without tag or digest, as "The push refers to repository […]" shows. */
    public String fullName() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        return fullName() + suffix();
    }

    private String suffix() {
        return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
