package dev.berth.image.archive;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Layers, configs and OCI layouts for archive tests. */
final class Fixtures {
    static final String CREATED = "2024-03-01T10:00:00Z";

    private Fixtures() {}

    /** A real layer tar with one file. */
    static byte[] layer(String file, String text) {
        return new Tars().directory("etc").file("etc/" + file, text).bytes();
    }

    static byte[] config(List<Digest> diffIds) {
        Platform host = Platform.host();
        ImageConfig config = new ImageConfig(CREATED, null, host.architecture(), host.os(), null, null,
                host.variant(), new ImageConfig.Config(null, null, List.of("PATH=/bin"), null, List.of("sh"),
                        null, null, Map.of("org.example", "yes"), null, null, null, null, null),
                ImageConfig.RootFs.layers(diffIds), List.of(), null);
        return ImageJson.write(config);
    }

    static String hex(byte[] data) {
        return Digest.of(data).encoded();
    }

    /**
     * An OCI layout tar as {@code skopeo copy … oci-archive:} writes it: the given (possibly
     * compressed) layer blobs with their media types, one manifest, {@code index.json} naming it.
     */
    static byte[] ociLayout(List<byte[]> blobs, List<String> mediaTypes, List<Digest> diffIds,
            Map<String, String> annotations) {
        Tars tar = new Tars().directory("blobs").directory("blobs/sha256");
        List<Descriptor> layers = new java.util.ArrayList<>();
        for (int i = 0; i < blobs.size(); i++) {
            tar.file("blobs/sha256/" + hex(blobs.get(i)), blobs.get(i));
            layers.add(Descriptor.of(mediaTypes.get(i), Digest.of(blobs.get(i)), blobs.get(i).length));
        }
        byte[] config = config(diffIds);
        tar.file("blobs/sha256/" + hex(config), config);
        byte[] manifest = ImageJson.write(Manifest.of(MediaTypes.OCI_MANIFEST,
                Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(config), config.length), layers));
        tar.file("blobs/sha256/" + hex(manifest), manifest);
        Descriptor entry = Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.of(manifest), manifest.length)
                .withAnnotations(annotations);
        tar.file("index.json", ImageJson.write(Index.of(MediaTypes.OCI_INDEX, List.of(entry))));
        tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        return tar.bytes();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
