package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.Digester;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.InvalidImageException;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Resolves a reference to the manifest or index it names: {@code GET /v2/<name>/manifests/<ref>}
 * accepting the OCI and Docker schema 2 types, then checks what came back.
 *
 * <ul>
 *   <li>The media type is the {@code Content-Type}, or read from the document when the registry
 *       sends a generic one. Docker schema 1 is refused, with a message saying so.</li>
 *   <li>The bytes are verified: against the reference's digest for a pull by digest, against the
 *       {@code Docker-Content-Digest} header for a pull by tag. The descriptor returned carries
 *       the verified digest and the size.</li>
 *   <li>For an index, {@link #resolvePlatform} fetches the manifest of the wanted platform.</li>
 * </ul>
 */
public final class RegistryResolver {
    /** Larger manifests are refused, as containerd does: they are not images but attacks. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;

    static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST,
            MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST, MediaTypes.DOCKER_SCHEMA1_MANIFEST);

    /** A manifest or index as the registry served it, with its verified descriptor. */
    public record Resolved(Descriptor descriptor, byte[] bytes) {
        public boolean isIndex() {
            return MediaTypes.isIndex(descriptor.mediaType());
        }
    }

    private RegistryResolver() {}

    /** Fetches what {@code ref} names (by digest if it has one, else by tag). */
    static Resolved resolve(RepositorySession session, RemoteRef ref)
            throws ImageException, IOException, RegistryResponseException, InterruptedException {
        return fetch(session, ref, ref.reference(), ref.digest());
    }

    /**
     * The manifest for {@code platform}: {@code root} itself if it is a manifest, else the entry
     * that {@link PlatformSelector} picks, fetched by digest and verified.
     */
    static Resolved resolvePlatform(RepositorySession session, RemoteRef ref, Resolved root, Platform platform)
            throws ImageException, IOException, RegistryResponseException, InterruptedException {
        Resolved current = root;
        for (int depth = 0; current.isIndex(); depth++) {
            if (depth == 2) {
                throw ImageException.invalid(ref.familiarString() + ": indexes nested too deeply");
            }
            Index index;
            try {
                index = ImageJson.readIndex(current.bytes(), "index " + current.descriptor().digest());
            } catch (InvalidImageException e) {
                throw ImageException.invalid(e.getMessage(), e);
            }
            Descriptor chosen = PlatformSelector.select(index, platform);
            current = fetch(session, ref, chosen.digest().toString(), chosen.digest());
        }
        return current;
    }

    private static Resolved fetch(RepositorySession session, RemoteRef ref, String reference, Digest expected)
            throws ImageException, IOException, RegistryResponseException, InterruptedException {
        HttpResponse<InputStream> response = session.expect(RepositorySession.Request.of("GET",
                session.uri("manifests/" + reference), Map.of("Accept", ACCEPT)), 200);
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = RepositorySession.readLimited(in, MAX_MANIFEST_BYTES);
        }
        String mediaType = mediaType(response, bytes, ref);
        if (MediaTypes.isSchema1(mediaType)) {
            throw ImageException.invalid(ref.familiarString()
                    + " uses the schema 1 manifest format, which is no longer supported;"
                    + " repush the image with a newer client");
        }
        if (!MediaTypes.isIndex(mediaType) && !MediaTypes.isManifest(mediaType)) {
            throw ImageException.invalid(ref.familiarString() + ": unsupported manifest media type " + mediaType);
        }
        Digest stated = response.headers().firstValue("Docker-Content-Digest")
                .filter(Digest::isValid).map(Digest::parse).orElse(null);
        Digest digest = expected != null ? expected : stated != null ? stated : Digest.of(bytes);
        Digest actual = compute(digest, bytes);
        if (!actual.equals(digest)) {
            throw ImageException.invalid("manifest verification failed for digest " + digest
                    + " (" + ref.familiarString() + ": got " + actual + ")");
        }
        return new Resolved(Descriptor.of(mediaType, digest, bytes.length), bytes);
    }

    private static String mediaType(HttpResponse<InputStream> response, byte[] bytes, RemoteRef ref)
            throws ImageException {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        int semicolon = contentType.indexOf(';');
        String type = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).strip();
        if (MediaTypes.isIndex(type) || MediaTypes.isManifest(type) || MediaTypes.isSchema1(type)) {
            return type;
        }
        try {
            // application/json, text/plain or nothing: let the document say what it is.
            return ImageJson.mediaTypeOf(bytes, "manifest for " + ref.familiarString());
        } catch (InvalidImageException e) {
            throw ImageException.invalid(e.getMessage(), e);
        }
    }

    private static Digest compute(Digest like, byte[] bytes) throws ImageException {
        Digester digester;
        try {
            digester = like.digester();
        } catch (IllegalArgumentException e) {
            throw ImageException.invalid("manifest digest " + like + ": " + e.getMessage());
        }
        digester.update(bytes, 0, bytes.length);
        return digester.digest();
    }
}
