package dev.berth.image.archive;

import dev.berth.image.layer.Compression;
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
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code docker import}: turns a root filesystem tarball (plain, gzip, bzip2 or zstd) into a
 * one-layer image, as moby's {@code ImportImage} does. The layer is stored uncompressed, so its
 * blob digest is its diffID; the tar is parsed on the way in, so a stream that is not a tar is
 * refused before anything is stored. The config gets the platform (the host's by default), the
 * creation time, the given execution defaults, and one history entry whose comment is the
 * message, {@code Imported from -} by default as for a tarball read from standard input.
 */
public final class ImageImporter {
    /** Docker's message for an import from standard input or a request body. */
    public static final String DEFAULT_MESSAGE = "Imported from -";

    private final ImageStore store;
    private final ContentStore content;
    private final Clock clock;

    public ImageImporter(ImageStore store) {
        this(store, Clock.systemUTC());
    }

    ImageImporter(ImageStore store, Clock clock) {
        this.store = store;
        this.content = store.content();
        this.clock = clock;
    }

    /**
     * What to make of the tarball: the name to give it ({@code null}: none), the history message
     * ({@code null}: {@link #DEFAULT_MESSAGE}), the execution defaults ({@code null}: none; the
     * daemon parses {@code --change} into them) and the platform ({@code null}: the host's).
     */
    public record Options(ImageReference name, String message, ImageConfig.Config config, Platform platform) {
        public static Options defaults() {
            return new Options(null, null, null, null);
        }

        public Options named(ImageReference newName) {
            return new Options(newName, message, config, platform);
        }
    }

    public Image importTarball(InputStream tarball, Options options, LayerHandler handler) throws ImageException {
        Lease lease = content.lease();
        List<Digest> created = new ArrayList<>();
        boolean done = false;
        try {
            Descriptor layer = storeLayer(tarball, lease, created);
            Digest diffId = layer.digest(); // stored uncompressed: the blob is the tar
            Platform platform = options.platform() != null ? options.platform() : Platform.host();
            String message = options.message() != null && !options.message().isEmpty()
                    ? options.message() : DEFAULT_MESSAGE;
            String now = clock.instant().toString();
            ImageConfig config = new ImageConfig(now, null, platform.architecture(), platform.os(),
                    platform.osVersion(), null, platform.variant(),
                    options.config() != null ? options.config() : ImageConfig.Config.empty(),
                    ImageConfig.RootFs.layers(List.of(diffId)),
                    List.of(new ImageConfig.History(now, null, null, message, null)),
                    message);
            BlobInfo configBlob = put(ImageJson.write(config), lease, created);
            Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST,
                    Descriptor.of(MediaTypes.OCI_CONFIG, configBlob.digest(), configBlob.size()), List.of(layer));
            BlobInfo manifestBlob = put(ImageJson.write(manifest), lease, created);

            handler.layerStored(new StoredLayer(layer, diffId, layer.size(), List.of()));
            Descriptor target = Descriptor.of(MediaTypes.OCI_MANIFEST, manifestBlob.digest(), manifestBlob.size());
            ImageRecord record = new ImageRecord(configBlob.digest(), target, target.digest(),
                    List.of(layer.digest()), Instant.parse(now), config.labels(), null);
            Image image = store.put(record, options.name() == null ? List.of() : List.of(options.name())).image();
            done = true;
            return image;
        } finally {
            lease.close();
            if (!done) {
                try {
                    store.collectGarbage(created);
                } catch (ImageException e) {
                    // Unreferenced blobs go at the next collection.
                }
            }
        }
    }

    /** Decompresses the tarball into an ingest, checking it is a tar, and commits it. */
    private Descriptor storeLayer(InputStream tarball, Lease lease, List<Digest> created) throws ImageException {
        try (ContentWriter writer = content.writer(lease)) {
            TeeInputStream stored = null;
            try {
                BufferedInputStream buffered = new BufferedInputStream(tarball, 64 * 1024);
                buffered.mark(Compression.MAGIC_LENGTH);
                byte[] head = buffered.readNBytes(Compression.MAGIC_LENGTH);
                buffered.reset();
                if (head.length == 0) {
                    throw ImageException.invalid("import: empty input: expected a tar archive");
                }
                stored = new TeeInputStream(Compression.detect(head).decompress(buffered),
                        writer.stream());
                TarArchiveInputStream tar = new TarArchiveInputStream(stored);
                while (tar.getNextEntry() != null) {
                    // Reading the headers is the check; the bytes flow into the blob meanwhile.
                }
                stored.drain(); // the end-of-archive blocks and any padding are part of the blob
            } catch (IOException e) {
                if (stored != null && stored.sinkFailed() || e instanceof java.nio.file.FileSystemException) {
                    // the content store's disk, not the client's tarball (a full disk, a read-only root)
                    throw ImageException.io("import: store layer", e);
                }
                throw ImageException.invalid("import: not a tar archive: " + lowerFirst(e.getMessage()), e);
            }
            boolean existed = content.exists(writer.digest());
            BlobInfo blob = writer.commit();
            if (!existed) {
                created.add(blob.digest());
            }
            return Descriptor.of(MediaTypes.OCI_LAYER, blob.digest(), blob.size());
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

    private static String lowerFirst(String message) {
        if (message == null || message.isEmpty()) {
            return "unreadable";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return Character.toLowerCase(line.charAt(0)) + line.substring(1);
    }
}
