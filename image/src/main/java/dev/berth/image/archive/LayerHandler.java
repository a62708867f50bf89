package dev.berth.image.archive;

import dev.berth.image.ImageException;

/**
 * Where loads and imports hand each layer once its blob is stored and verified, base layer
 * first, before the image is registered: the daemon unpacks it into a snapshot here (unpacking
 * is not this package's business). A handler that throws aborts the load; the image is not
 * registered and the blobs the load added are collected. Layers already unpacked for another
 * image arrive too; the handler skips them.
 */
@FunctionalInterface
public interface LayerHandler {
    /** Does nothing: for callers that unpack later, or never (tests, {@code docker save} round trips). */
    LayerHandler NONE = layer -> {};

    void layerStored(StoredLayer layer) throws ImageException;
}
