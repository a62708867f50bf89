package dev.berth.image.layer;

import dev.berth.oci.image.Digest;

/**
 * The identity of an uncompressed layer stream: its {@code diffID} (the sha256 of the tar
 * bytes, as the image config's {@code rootfs.diff_ids} lists it) and its length in bytes.
 */
public record LayerDigest(Digest diffId, long size) {}
