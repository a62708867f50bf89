package dev.berth.daemon.image;

import dev.berth.image.ImageException;
import dev.berth.image.registry.LayerListener;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Unpacks one pull's layers while they download: each layer's bytes go from the HTTP body to
 * the content store and, through a pipe, to this listener, which gunzips and applies them on
 * a thread of its own. One pull's listener; not reused.
 *
 * <p><b>Order.</b> A layer's snapshot is prepared on its parent's, which must be committed
 * first, so layer {@code i} starts reading only once layer {@code i-1} is committed (or found
 * already there). Until then its download fills the pipe and pauses, which costs nothing: the
 * registry client hands out download slots in manifest order, so the lowest unfinished layer
 * is always downloading, and on two cores the gunzip and the file writes of one layer already
 * keep the second core busy next to the download. Applying each layer into an independent
 * directory and committing them in order would need a snapshot that can be prepared before its
 * parent exists, which the {@code Snapshotter} contract does not have.
 *
 * <p><b>Verification.</b> The applier reads the stream to its end, and the pipe reports the end
 * only after the blob's digest and size were checked and the blob committed to the content
 * store; a wrong byte makes the read fail instead. The snapshot is committed only after that,
 * and after the unpacked tar's digest matched the config's diffID, so neither an unverified
 * blob nor its snapshot is ever visible.
 *
 * <p>What this listener does not unpack (a manifest whose layer count disagrees with the config,
 * layers at or above a blob that the manifest lists twice, since the pull hands such a blob
 * out once) is left to {@link LayerUnpacking#unpackImage}, which the pull calls afterwards and
 * which skips every snapshot that exists.
 */
final class StreamingUnpack implements LayerListener {
    private final LayerUnpacking unpacking;
    private List<Digest> diffIds;
    private List<CompletableFuture<Void>> committed;
    /** Layers from this index on are left to {@link LayerUnpacking#unpackImage}. */
    private int limit;

    StreamingUnpack(LayerUnpacking unpacking) {
        this.unpacking = unpacking;
    }

    @Override
    public synchronized void begin(Manifest manifest, ImageConfig config) {
        List<Descriptor> layers = manifest.layers();
        diffIds = config.diffIds();
        if (diffIds.size() != layers.size()) {
            limit = 0; // unpackImage reports it
            committed = List.of();
            return;
        }
        limit = layers.size();
        Set<Digest> seen = new HashSet<>();
        for (int i = 0; i < layers.size(); i++) {
            if (!seen.add(layers.get(i).digest())) {
                limit = i;
                break;
            }
        }
        committed = java.util.stream.Stream.generate(() -> new CompletableFuture<Void>()).limit(limit).toList();
    }

    @Override
    public void layer(int index, Descriptor layer, InputStream blob) throws ImageException {
        List<CompletableFuture<Void>> done;
        List<Digest> ids;
        synchronized (this) {
            done = committed;
            ids = diffIds;
        }
        if (done == null || index >= done.size()) {
            return; // closing the stream lets the download go on into the content store alone
        }
        try {
            List<Digest> parents = ids.subList(0, index);
            String name = LayerUnpacking.chainId(parents, ids.get(index));
            if (!unpacking.exists(name)) {
                if (index > 0) {
                    awaitParent(done.get(index - 1), layer);
                }
                try {
                    unpacking.unpack(layer, ids.get(index), name, LayerUnpacking.parentName(parents), blob,
                            applied -> readToVerifiedEnd(blob, layer));
                } catch (ImageException e) {
                    // Bytes that broke the gunzip or the tar may be bytes that fail the blob's
                    // digest too; the digest is the root cause, so read on to the verdict.
                    readToVerifiedEnd(blob, layer);
                    throw e;
                }
            }
            done.get(index).complete(null);
        } catch (ImageException | RuntimeException e) {
            done.get(index).completeExceptionally(e);
            throw e;
        }
    }

    private static void awaitParent(CompletableFuture<Void> parent, Descriptor layer) throws ImageException {
        try {
            parent.get();
        } catch (ExecutionException e) {
            // Whichever layer's failure reaches the pull first is what the client reads: the
            // layer below's own error ("digest mismatch") says more than that it failed.
            if (e.getCause() instanceof ImageException root) {
                throw root;
            }
            throw new ImageException(ImageException.Kind.UNAVAILABLE,
                    "layer " + layer.digest() + ": the layer below it was not unpacked", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(ImageException.Kind.UNAVAILABLE, "layer " + layer.digest() + ": interrupted", e);
        }
    }

    /** Reads what the applier left: the end of the stream is the blob's verification. */
    private static void readToVerifiedEnd(InputStream blob, Descriptor layer) throws ImageException {
        try {
            blob.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE,
                    "layer " + layer.digest() + ": " + e.getMessage(), e);
        }
    }
}
