package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An OCI image manifest ({@code manifest.md}) or Docker image manifest v2 schema 2: one image
 * for one platform, as a config descriptor and the layer descriptors in order from the base
 * layer up. The two formats differ only in their media types.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int schemaVersion,
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations) {

    public static Manifest of(String mediaType, Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, mediaType, null, config, List.copyOf(layers), null, null);
    }
}
