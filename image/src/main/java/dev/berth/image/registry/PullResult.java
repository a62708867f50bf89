package dev.berth.image.registry;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;

/**
 * What a pull put into the content store, for the caller to register the image.
 *
 * @param ref        what was pulled
 * @param root       what the reference names: the index (multi-platform) or the manifest; its
 *                   digest is what {@code docker pull} prints as "Digest:" and the repo digest
 * @param manifest   the descriptor of the platform's manifest (equal to {@code root} for a single-platform image)
 * @param parsed     that manifest, parsed
 * @param config     the image config, parsed; its digest ({@code parsed.config().digest()}) is the image ID
 * @param downloaded whether any blob had to be downloaded (false: everything was in the store already)
 */
public record PullResult(RemoteRef ref, Descriptor root, Descriptor manifest, Manifest parsed, ImageConfig config,
        boolean downloaded) {

    /** Docker's image ID: the digest of the config. */
    public Digest imageId() {
        return parsed.config().digest();
    }
}
