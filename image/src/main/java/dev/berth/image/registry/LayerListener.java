package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import java.io.IOException;
import java.io.InputStream;

/**
 * The hook that lets a pull unpack layers while they download.
 *
 * <p>For every layer of the pulled manifest, {@link #layer} is called once, on a thread of its
 * own, as soon as the layer's bytes can be read: while it downloads (the stream is fed by the
 * download as it goes, a tee of what goes into the content store) or, if the blob was already
 * in the content store or is resumed from an earlier partial download, from the store once the
 * blob is complete. The stream yields the layer's blob exactly as the registry stores it
 * (usually gzip-compressed, see the descriptor's media type), from its first byte to its last,
 * however often the download was retried or resumed underneath.
 *
 * <p><b>End of stream means verified.</b> The stream reports its end only after the blob's
 * digest and size were checked (its commit to the store, an fsync and a rename, may still be
 * under way; if that fails, the pull fails); if the download fails or the digest does not
 * match, a read throws an {@link IOException} instead, so an unpacker that treats a read error
 * as failure never publishes an unverified layer.
 *
 * <p>Layers are handed out in parallel, each on its own thread; {@code index} is the layer's
 * position in the manifest, base layer 0, for a caller that must apply them in order. A blob
 * that the manifest lists twice is handed out once, at its first index. Downloads start in
 * manifest order (at most the configured number at once), so a listener that waits for the
 * layers below its own before reading never starves them: the lowest layer still downloading
 * always has a download slot. If the pull fails, every listener still waiting for bytes gets
 * an {@link IOException}. The pull reports "Pull complete" for a layer when this method returns; an exception fails
 * the pull. A listener that stops reading early does not stop the download. A listener that
 * wants Docker's "Extracting" bars sends them itself, through the pull's
 * {@link ProgressListener}, with the layer's short id ({@code layer.digest().shortId()}).
 */
@FunctionalInterface
public interface LayerListener {
    /** No unpacking during the pull: the layers are in the content store when it returns. */
    LayerListener NONE = (index, layer, blob) -> {};

    void layer(int index, Descriptor layer, InputStream blob) throws IOException, ImageException;

    /**
     * Called once per pull, before any {@link #layer}, with the manifest whose layers follow and
     * the image config (its diffIDs say what each layer must unpack to); the bytes of both were
     * verified against their digests. An exception fails the pull before any layer downloads.
     */
    default void begin(Manifest manifest, ImageConfig config) throws ImageException {}
}
