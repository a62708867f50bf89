package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A typed pointer to content ({@code descriptor.md}): what it is ({@code mediaType}), which
 * bytes ({@code digest}) and how many ({@code size}). Manifests point to their config and
 * layers with descriptors, indexes to their manifests (with a {@code platform}), and the
 * {@code index.json} of an image layout to its images (with the image name in
 * {@code annotations}). Optional fields are {@code null} when absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        List<String> urls,
        Map<String, String> annotations,
        String data,
        String artifactType,
        Platform platform) {

    /** The annotation that names an image in an OCI layout's {@code index.json} (a tag or full name). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** The annotation containerd and Docker 25+ add to name an image by its full reference. */
    public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null, null);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, urls, newAnnotations, data, artifactType, platform);
    }

    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, urls, annotations, data, artifactType, newPlatform);
    }

    /** An annotation's value, or {@code null}. */
    public String annotation(String key) {
        return annotations == null ? null : annotations.get(key);
    }
}
