package dev.berth.daemon.image;

import dev.berth.image.ImageException;
import dev.berth.image.archive.LayerHandler;
import dev.berth.image.archive.StoredLayer;
import dev.berth.image.content.ContentStore;
import dev.berth.image.layer.SnapshotUnpacker;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Unpacks an image's layers into committed snapshots named by their chain IDs (image-spec
 * config.md: {@code ChainID(L0) = DiffID(L0)}, {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " +
 * DiffID(Ln))}), so a layer shared by images, in the same place of their stacks, is unpacked once.
 * Loads and imports call it per stored layer. Pulls unpack while they download
 * ({@link #whilePulling}) and then call it for the whole image before the image is registered,
 * which unpacks from the content store whatever the download did not, so an image in the store
 * always has its snapshots. A snapshot is committed only after its layer unpacked to the diffID
 * that the image config names.
 */
final class LayerUnpacking implements LayerHandler {
    /** A message that starts by naming a layer, blob or snapshot by its digest or chain ID. */
    private static final Pattern NAMES_A_DIGEST = Pattern.compile("(layer|blob) [a-z0-9]+:[0-9a-f]{32,}");

    private final ContentStore content;
    private final Snapshotter snapshots;
    private final SnapshotUnpacker unpacker;

    LayerUnpacking(ContentStore content, Snapshotter snapshots) {
        this.content = content;
        this.snapshots = snapshots;
        this.unpacker = new SnapshotUnpacker(snapshots);
    }

    /** The chain ID of the layer {@code diffId} on top of {@code parents} (base first). */
    static String chainId(List<Digest> parents, Digest diffId) {
        Digest chain = null;
        for (Digest d : parents) {
            chain = chain == null ? d : Digest.of((chain + " " + d).getBytes(StandardCharsets.US_ASCII));
        }
        return (chain == null ? diffId : Digest.of((chain + " " + diffId).getBytes(StandardCharsets.US_ASCII)))
                .toString();
    }

    @Override
    public void layerStored(StoredLayer layer) throws ImageException {
        unpack(layer.blob(), layer.diffId(), layer.parentDiffIds());
    }

    /** Unpacks every layer of a pulled image, base first. */
    void unpackImage(Manifest manifest, ImageConfig config) throws ImageException {
        List<Digest> diffIds = config.diffIds();
        if (diffIds.size() != manifest.layers().size()) {
            throw new ImageException(ImageException.Kind.INVALID_ARGUMENT, "image config lists " + diffIds.size()
                    + " layers but its manifest has " + manifest.layers().size());
        }
        for (int i = 0; i < diffIds.size(); i++) {
            unpack(manifest.layers().get(i), diffIds.get(i), diffIds.subList(0, i));
        }
    }

    /** A listener that unpacks a pull's layers while they download (see {@link StreamingUnpack}). */
    StreamingUnpack whilePulling() {
        return new StreamingUnpack(this);
    }

    private void unpack(Descriptor blob, Digest diffId, List<Digest> parents) throws ImageException {
        String name = chainId(parents, diffId);
        if (exists(name)) {
            return;
        }
        try (InputStream in = content.open(blob.digest())) {
            unpack(blob, diffId, name, parentName(parents), in, applied -> {});
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.INTERNAL, "layer " + blob.digest() + ": " + e.getMessage(), e);
        }
    }

    /** The chain ID of the layer right below the one on top of {@code parents}; null for a base layer. */
    static String parentName(List<Digest> parents) {
        return parents.isEmpty() ? null : chainId(parents.subList(0, parents.size() - 1), parents.getLast());
    }

    /**
     * Applies {@code in} as the snapshot {@code name} on {@code parent} and commits it once
     * {@code check} passed and the layer turned out to have the {@code diffId} that the image
     * config gives; otherwise the snapshot is discarded unseen. Someone else committing the same
     * name first is success.
     */
    void unpack(Descriptor blob, Digest diffId, String name, String parent, InputStream in,
            SnapshotUnpacker.Check check) throws ImageException {
        try {
            unpacker.unpack(name, parent, in, Map.of(), checked(blob, diffId, check));
        } catch (ImageException e) {
            if (e.kind() == ImageException.Kind.CONFLICT && exists(name)) {
                return; // another pull of the same layer committed it first
            }
            throw naming(blob, e);
        }
    }

    /** Whether {@link #unpackAhead} works with this daemon's snapshotter (overlay: yes). */
    boolean canUnpackAhead() {
        return snapshots.canCommitOnto();
    }

    /**
     * {@link #unpack(Descriptor, Digest, String, String, InputStream, SnapshotUnpacker.Check)}
     * without waiting for {@code parent}: the layer is applied and checked at once, and
     * committed onto {@code parent} after {@code parentReady} returned.
     */
    void unpackAhead(Descriptor blob, Digest diffId, String name, String parent, InputStream in,
            SnapshotUnpacker.Check check, SnapshotUnpacker.ParentReady parentReady) throws ImageException {
        try {
            unpacker.unpackAhead(name, parent, in, Map.of(), checked(blob, diffId, check), parentReady);
        } catch (ImageException e) {
            if (e.kind() == ImageException.Kind.CONFLICT && exists(name)) {
                return; // another pull of the same layer committed it first
            }
            throw naming(blob, e);
        }
    }

    /**
     * An unpack error that names the layer, so that a refused entry of a twenty-layer image says
     * which layer holds it ({@code layer sha256:…: entry ../../x: escapes the layer root}) and a
     * corrupt one says which layer is not a tar ({@code layer sha256:…: is not a valid tar
     * stream: …}); errors that already name a blob or snapshot by digest (digest mismatch,
     * diffID mismatch, or one from the layer below) pass unchanged. The unpacker's own messages
     * call it just "layer" ({@code layer entry …}, {@code layer is …}): that word becomes the
     * digest, instead of the message passing for named because it starts with "layer ".
     */
    private static ImageException naming(Descriptor blob, ImageException e) {
        String message = e.getMessage();
        if (message == null || message.contains(blob.digest().toString()) || NAMES_A_DIGEST.matcher(message).lookingAt()) {
            return e;
        }
        String what = message.startsWith("layer ") ? message.substring("layer ".length()) : message;
        return new ImageException(e.kind(), "layer " + blob.digest() + ": " + what, e);
    }

    private static SnapshotUnpacker.Check checked(Descriptor blob, Digest diffId, SnapshotUnpacker.Check check) {
        return applied -> {
            check.check(applied);
            if (!applied.diffId().equals(diffId)) {
                throw new ImageException(ImageException.Kind.INVALID_ARGUMENT, "layer " + blob.digest()
                        + ": its content has diffID " + applied.diffId() + ", the image config says " + diffId);
            }
        };
    }

    boolean exists(String name) throws ImageException {
        try {
            snapshots.stat(name);
            return true;
        } catch (ImageException e) {
            if (e.kind() == ImageException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }
}
