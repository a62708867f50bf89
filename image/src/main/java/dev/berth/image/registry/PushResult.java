package dev.berth.image.registry;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import java.util.Map;

/**
 * What a push did: the manifest (or index) now in the registry under the reference, and how
 * each blob got there, by digest.
 */
public record PushResult(RemoteRef ref, Descriptor root, Map<Digest, Outcome> blobs) {

    /** How a blob reached the registry. */
    public enum Outcome {
        /** It was there already (HEAD answered 200). */
        EXISTED,
        /** The registry mounted it from another repository (201 to the mount request, no upload). */
        MOUNTED,
        /** It was uploaded. */
        UPLOADED
    }

    public PushResult {
        blobs = Map.copyOf(blobs);
    }
}
