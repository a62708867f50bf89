package dev.berth.image.archive;

import dev.berth.image.ImageException;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.Lease;
import dev.berth.image.store.ImageRecord;
import dev.berth.image.store.ImageStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker load}: reads a {@code docker save} archive (any of its layouts) or an OCI
 * image layout tar, checks everything in it, then stores its blobs and registers its images.
 *
 * <p>The order is what makes a failure clean. The archive is read whole into uncommitted
 * ingests; every image is then checked (paths inside the archive, digests of named files,
 * diffIDs of the layers) before any blob is committed. Only then are blobs committed (under a
 * lease, so that garbage collection cannot take them), layers handed to the
 * {@link LayerHandler} and images registered. If anything fails after the first commit, the
 * blobs this load added are given to the garbage collector, so no partial image and no orphan
 * blob remains.
 */
public final class ImageLoader {
    private final ImageStore store;
    private final ContentStore content;
    private final Platform platform;

    public ImageLoader(ImageStore store) {
        this(store, Platform.host());
    }

    /** A loader that picks {@code platform}'s image from multi-platform OCI layouts. */
    public ImageLoader(ImageStore store, Platform platform) {
        this.store = store;
        this.content = store.content();
        this.platform = platform;
    }

    public LoadResult load(InputStream archive, LayerHandler handler) throws ImageException {
        Lease lease = content.lease();
        StagedArchive staged = null;
        boolean done = false;
        try {
            staged = StagedArchive.read(archive, content, lease);
            List<ImageCandidate> candidates;
            if (staged.contains(DockerManifestItem.FILE_NAME)) {
                candidates = DockerArchiveReader.read(staged);
            } else if (staged.contains("index.json")) {
                candidates = OciLayoutReader.read(staged, platform);
            } else {
                throw ImageException.invalid(
                        "archive: no manifest.json or index.json: not a docker save archive or OCI image layout");
            }
            List<LoadResult.Loaded> loaded = new ArrayList<>();
            for (ImageCandidate candidate : candidates) {
                loaded.add(store(staged, candidate, handler));
            }
            done = true;
            return new LoadResult(loaded);
        } finally {
            if (staged != null) {
                staged.close();
            }
            lease.close();
            if (!done && staged != null) {
                collect(staged.createdBlobs());
            }
        }
    }

    private LoadResult.Loaded store(StagedArchive staged, ImageCandidate candidate, LayerHandler handler)
            throws ImageException {
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < candidate.layers().size(); i++) {
            BlobInfo blob = staged.commit(candidate.layers().get(i));
            layers.add(Descriptor.of(candidate.layerMediaTypes().get(i), blob.digest(), blob.size()));
        }
        BlobInfo config = staged.put(candidate.configBytes());
        Descriptor target;
        if (candidate.manifestBytes() != null) {
            BlobInfo manifest = staged.put(candidate.manifestBytes());
            target = Descriptor.of(candidate.manifestMediaType(), manifest.digest(), manifest.size());
        } else {
            Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST,
                    Descriptor.of(MediaTypes.OCI_CONFIG, config.digest(), config.size()), layers);
            BlobInfo written = staged.put(ImageJson.write(manifest));
            target = Descriptor.of(MediaTypes.OCI_MANIFEST, written.digest(), written.size());
        }

        List<Digest> diffIds = candidate.config().diffIds();
        for (int i = 0; i < layers.size(); i++) {
            LayerDigest digest = candidate.layers().get(i).layerDigest();
            handler.layerStored(new StoredLayer(layers.get(i), diffIds.get(i), digest.uncompressedSize(),
                    diffIds.subList(0, i)));
        }

        ImageRecord record = new ImageRecord(config.digest(), target, target.digest(),
                layers.stream().map(Descriptor::digest).toList(),
                candidate.config().createdInstant(), candidate.config().labels(), null);
        ImageStore.PutResult result = store.put(record, candidate.names());
        return new LoadResult.Loaded(result.image(), candidate.names(), result.retagged());
    }

    private void collect(List<Digest> blobs) {
        try {
            store.collectGarbage(blobs);
        } catch (ImageException e) {
            // Best effort: whatever stays is unreferenced and goes at the next collection.
        }
    }
}
