package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An OCI image index ({@code image-index.md}) or Docker manifest list: the entry point of a
 * multi-platform image, one manifest descriptor per platform. An image layout's
 * {@code index.json} has the same shape, with a descriptor per named image.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Index(
        int schemaVersion,
        String mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations) {

    public static Index of(String mediaType, List<Descriptor> manifests) {
        return new Index(2, mediaType, null, List.copyOf(manifests), null, null);
    }
}
