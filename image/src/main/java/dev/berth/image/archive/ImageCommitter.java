package dev.berth.image.archive;

import dev.berth.image.ImageException;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.ContentWriter;
import dev.berth.image.content.Lease;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageRecord;
import dev.berth.image.store.ImageStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.InvalidImageException;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker commit}'s image half: a child of an image with one more layer on top, as moby's
 * {@code NewChildImage} makes it. The layer (a tar of a container's changes, written by the
 * caller) is stored uncompressed, so its blob digest is its diffID. The child's config is the
 * parent's platform and history with the given execution defaults, the new layer's diffID
 * appended and a history entry that names the command, author and comment. A layer that holds
 * nothing (the empty tar) is not added; its history entry says {@code empty_layer}, as Docker's.
 */
public final class ImageCommitter {
    private static final int MAX_JSON = 8 << 20;
    /** sha256 of 1024 zero bytes: a tar with no entries, which Docker does not add as a layer. */
    private static final Digest EMPTY_TAR =
            Digest.parse("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");

    private final ImageStore store;
    private final ContentStore content;
    private final Clock clock;

    public ImageCommitter(ImageStore store) {
        this(store, Clock.systemUTC());
    }

    ImageCommitter(ImageStore store, Clock clock) {
        this.store = store;
        this.content = store.content();
        this.clock = clock;
    }

    /** Writes the new layer's uncompressed tar to the stream it is given. */
    @FunctionalInterface
    public interface LayerSource {
        void writeTo(OutputStream out) throws ImageException;
    }

    /**
     * What to commit: the name to give the image ({@code null}: none), the execution defaults,
     * the history's command ({@code created_by}), the author and comment ({@code null}: none).
     */
    public record Options(ImageReference name, ImageConfig.Config config, String createdBy, String author,
            String comment) {}

    public Image commit(Image parent, LayerSource layer, Options options, LayerHandler handler)
            throws ImageException {
        Lease lease = content.lease();
        List<Digest> created = new ArrayList<>();
        boolean done = false;
        try {
            ImageConfig parentConfig = read(parent.id(), "config", ImageConfig.class);
            Manifest parentManifest = read(parent.record().manifest(), "manifest", Manifest.class);
            boolean docker = MediaTypes.DOCKER_MANIFEST.equals(parentManifest.mediaType());
            BlobInfo blob = storeLayer(layer, lease, created);
            boolean empty = blob.digest().equals(EMPTY_TAR);
            Descriptor layerDescriptor = Descriptor.of(docker ? MediaTypes.DOCKER_LAYER : MediaTypes.OCI_LAYER,
                    blob.digest(), blob.size());

            String now = clock.instant().toString();
            List<Digest> diffIds = new ArrayList<>(parentConfig.diffIds());
            List<Descriptor> layers = new ArrayList<>(parentManifest.layers());
            List<Digest> blobs = new ArrayList<>(parent.record().layers());
            if (!empty) {
                diffIds.add(blob.digest());
                layers.add(layerDescriptor);
                blobs.add(blob.digest());
            }
            List<ImageConfig.History> history = new ArrayList<>(
                    parentConfig.history() == null ? List.of() : parentConfig.history());
            history.add(new ImageConfig.History(now, options.createdBy(), options.author(), options.comment(),
                    empty ? Boolean.TRUE : null));
            ImageConfig config = new ImageConfig(now, options.author(), parentConfig.architecture(),
                    parentConfig.os(), parentConfig.osVersion(), parentConfig.osFeatures(), parentConfig.variant(),
                    options.config() != null ? options.config() : ImageConfig.Config.empty(),
                    ImageConfig.RootFs.layers(diffIds), history, options.comment());
            BlobInfo configBlob = put(ImageJson.write(config), lease, created);
            Manifest manifest = Manifest.of(docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST,
                    Descriptor.of(docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, configBlob.digest(),
                            configBlob.size()), layers);
            BlobInfo manifestBlob = put(ImageJson.write(manifest), lease, created);

            if (!empty) {
                handler.layerStored(new StoredLayer(layerDescriptor, blob.digest(), blob.size(),
                        parentConfig.diffIds()));
            }
            Descriptor target = Descriptor.of(manifest.mediaType(), manifestBlob.digest(), manifestBlob.size());
            ImageRecord record = new ImageRecord(configBlob.digest(), target, target.digest(), blobs,
                    Instant.parse(now), config.labels(), null);
            Image image = store.put(record, options.name() == null ? List.of() : List.of(options.name())).image();
            done = true;
            return image;
        } finally {
            lease.close();
            if (!done) {
                try {
                    store.collectGarbage(created);
                } catch (ImageException e) {
                    // unreferenced blobs go at the next collection
                }
            }
        }
    }

    private <T> T read(Digest digest, String what, Class<T> type) throws ImageException {
        try {
            return ImageJson.read(content.read(digest, MAX_JSON), type, what + " " + digest);
        } catch (InvalidImageException e) {
            throw ImageException.internal("commit: the parent image's " + what + ": " + e.getMessage(), e);
        }
    }

    private BlobInfo storeLayer(LayerSource layer, Lease lease, List<Digest> created) throws ImageException {
        try (ContentWriter writer = content.writer(lease)) {
            layer.writeTo(writer.stream());
            boolean existed = content.exists(writer.digest());
            BlobInfo blob = writer.commit();
            if (!existed) {
                created.add(blob.digest());
            }
            return blob;
        }
    }

    private BlobInfo put(byte[] data, Lease lease, List<Digest> created) throws ImageException {
        Digest digest = Digest.of(data);
        boolean existed = content.exists(digest);
        BlobInfo info = content.put(data, lease);
        if (!existed) {
            created.add(digest);
        }
        return info;
    }
}
