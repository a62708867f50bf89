package dev.berth.image.archive;

import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import java.util.List;

/**
 * An image found in an archive and checked, not yet stored: its names, its config (bytes and
 * parsed), its layer files in order, and, for an OCI layout, the manifest it came with (whose
 * bytes are kept so its digest is preserved; {@code null} when Berth must write one).
 */
record ImageCandidate(
        String source,
        List<ImageReference> names,
        byte[] configBytes,
        ImageConfig config,
        List<StagedFile> layers,
        List<String> layerMediaTypes,
        byte[] manifestBytes,
        String manifestMediaType) {

    Digest configDigest() {
        return Digest.of(configBytes);
    }
}
