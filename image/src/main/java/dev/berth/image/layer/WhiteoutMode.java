package dev.berth.image.layer;

/**
 * How a layer's deletions land on disk. The tar says {@code .wh.<name>} and
 * {@code .wh..wh..opq}; what that becomes depends on what the target directory is.
 */
public enum WhiteoutMode {
    /**
     * The directory is one overlayfs layer (an upper or future lower directory): a whiteout
     * becomes a 0/0 character device named {@code <name>}, an opaque marker becomes the xattr
     * {@code trusted.overlay.opaque=y} on its directory, and the kernel hides what lies below.
     */
    OVERLAY,
    /**
     * The directory holds the whole merged tree (a copying snapshot, or an overlay mounted and
     * written through): a whiteout deletes {@code <name>}, an opaque marker deletes everything
     * in its directory that this layer did not itself write.
     */
    REMOVE
}
