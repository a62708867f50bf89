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
 * <p><b>Order.</b> A layer's snapshot is committed on its parent's, so layer {@code i} is
 * committed only once layer {@code i-1} is. With the overlay snapshotter, whose layers each
 * hold only their own changes, every layer unpacks at once into a snapshot of its own and waits
 * for the one below only to be committed onto it ({@link LayerUnpacking#unpackAhead}): the
 * downloads never pause, and on two cores the layers' gunzip and file writes fill the core
 * that one layer at a time left partly idle (bench/pull: the first pull after start took about
 * a tenth less). A snapshotter that keeps whole trees (copying) prepares layer {@code i} on
 * layer {@code i-1} and so must wait before reading; its download fills the pipe and pauses,
 * which the registry client's manifest-order download slots make harmless.
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
                String parent = LayerUnpacking.parentName(parents);
                try {
                    if (index > 0 && unpacking.canUnpackAhead()) {
                        CompletableFuture<Void> below = done.get(index - 1);
                        unpacking.unpackAhead(layer, ids.get(index), name, parent, blob,
                                applied -> readToVerifiedEnd(blob, layer), () -> awaitParent(below, layer));
                    } else {
                        if (index > 0) {
                            awaitParent(done.get(index - 1), layer);
                        }
                        unpacking.unpack(layer, ids.get(index), name, parent, blob,
                                applied -> readToVerifiedEnd(blob, layer));
                    }
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
