package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds small images in a content store: layer blobs, a config and a manifest. */
final class TestImages {
    private TestImages() {}

    /** An image whose layers are the given strings (as fake layer blobs). */
    static ImageRecord image(ContentStore content, Instant created, Map<String, String> labels, String... layers)
            throws ImageException {
        List<Descriptor> layerDescriptors = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (String layer : layers) {
            byte[] data = layer.getBytes(StandardCharsets.UTF_8);
            Digest digest = content.put(data, null).digest();
            layerDescriptors.add(Descriptor.of(MediaTypes.OCI_LAYER, digest, data.length));
            diffIds.add(digest);
        }
        ImageConfig.Config runConfig = new ImageConfig.Config(null, null, null, null, List.of("sh"), null, null,
                labels, null, null, null, null, null);
        ImageConfig config = new ImageConfig(created.toString(), null, "amd64", "linux", null, null, null,
                runConfig, ImageConfig.RootFs.layers(diffIds), List.of(), null);
        byte[] configBytes = ImageJson.write(config);
        Digest configDigest = content.put(configBytes, null).digest();
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST,
                Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, configBytes.length), layerDescriptors);
        byte[] manifestBytes = ImageJson.write(manifest);
        Digest manifestDigest = content.put(manifestBytes, null).digest();
        return new ImageRecord(configDigest, Descriptor.of(MediaTypes.OCI_MANIFEST, manifestDigest, manifestBytes.length),
                manifestDigest, diffIds, created, labels, null);
    }
}
