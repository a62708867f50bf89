package dev.berth.image.store;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the store keeps about one image, apart from its names. The image is identified as
 * Docker identifies it, by the digest of its config ({@code id}); {@code target} is what a
 * repository digest names (the manifest, or the index a multi-platform pull started from) and
 * {@code manifest} the platform manifest chosen from it. {@code created} and {@code labels} are
 * copied from the config so that {@code docker images} filters without reading blobs, and
 * {@code size} is recorded when the image is registered, after its layers were unpacked, so
 * that listing never walks a layer.
 *
 * @param id          digest of the config: Docker's image ID
 * @param target      descriptor of the manifest or index the image was pulled, loaded or built as
 * @param manifest    digest of the platform manifest (equal to {@code target.digest()} without an index)
 * @param layers      digests of the layer blobs, base first
 * @param created     the config's {@code created}, or {@code null}
 * @param labels      the config's labels, never {@code null}
 * @param lastTagTime when the image was last tagged, or {@code null}
 * @param size        what Docker calls the image's size: the bytes of its unpacked layers (the sum
 *                    of their snapshots' usage, not of the compressed blobs), or {@code null} where
 *                    unknown (no snapshots, or a store written before sizes were recorded)
 */
public record ImageRecord(
        Digest id,
        Descriptor target,
        Digest manifest,
        List<Digest> layers,
        Instant created,
        Map<String, String> labels,
        Instant lastTagTime,
        Long size) {

    public ImageRecord {
        layers = List.copyOf(layers);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** An image whose size the store records when it is registered. */
    public ImageRecord(Digest id, Descriptor target, Digest manifest, List<Digest> layers, Instant created,
            Map<String, String> labels, Instant lastTagTime) {
        this(id, target, manifest, layers, created, labels, lastTagTime, null);
    }

    ImageRecord withSize(Long newSize) {
        return new ImageRecord(id, target, manifest, layers, created, labels, lastTagTime, newSize);
    }

    /** Every blob this image needs: the garbage collector keeps these. */
    public Set<Digest> blobs() {
        Set<Digest> all = new LinkedHashSet<>();
        all.add(target.digest());
        all.add(manifest);
        all.add(id);
        all.addAll(layers);
        return all;
    }

    ImageRecord tagged(Instant when) {
        return new ImageRecord(id, target, manifest, layers, created, labels, when, size);
    }

    /**
     * The same image stored again (same config) through another manifest, say loaded after a
     * pull: the newer manifest and its layer blobs are the ones known to be present now.
     */
    ImageRecord replacedBy(ImageRecord other) {
        return new ImageRecord(id, other.target, other.manifest, other.layers, created, labels,
                other.lastTagTime != null ? other.lastTagTime : lastTagTime, other.size != null ? other.size : size);
    }
}
