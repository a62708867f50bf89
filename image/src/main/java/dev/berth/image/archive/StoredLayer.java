package dev.berth.image.archive;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import java.util.List;

/**
 * A layer of an image being loaded or imported, as stored in the content store: its blob
 * (possibly compressed; the descriptor's media type says how), the diffID of the tar inside,
 * verified against the image config, and the diffIDs of the layers below it, base first, from
 * which a snapshotter derives chain IDs.
 */
public record StoredLayer(Descriptor blob, Digest diffId, long uncompressedSize, List<Digest> parentDiffIds) {
    public StoredLayer {
        parentDiffIds = List.copyOf(parentDiffIds);
    }
}
