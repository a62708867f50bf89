package dev.berth.image.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.oci.image.Descriptor;
import java.util.List;
import java.util.Map;

/**
 * One entry of the {@code manifest.json} that {@code docker save} writes (moby's
 * {@code tarexport.manifestItem}): the config's path, the image's tags in familiar form, and the
 * layer tars' paths, base first. Paths are relative to the archive root: {@code
 * blobs/sha256/<hex>} since Docker 25, {@code <hex>.json} and {@code <id>/layer.tar} before,
 * {@code <hex>.tar} in skopeo's archives.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DockerManifestItem(
        @JsonProperty("Config") String config,
        @JsonProperty("RepoTags") List<String> repoTags,
        @JsonProperty("Layers") List<String> layers,
        @JsonProperty("LayerSources") Map<String, Descriptor> layerSources) {

    static final String FILE_NAME = "manifest.json";
    static final String REPOSITORIES = "repositories";
}
