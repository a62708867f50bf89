package dev.berth.image.archive;

import dev.berth.image.ImageException;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.content.ContentStore;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageRecord;
import dev.berth.image.store.ImageStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.ImageLayout;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.InvalidImageException;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code docker save}: writes images, their blobs as stored (layers keep their compression) and
 * their names, as a tar in {@link ArchiveFormat#DOCKER} or {@link ArchiveFormat#OCI} layout, or
 * as an OCI layout directory.
 *
 * <pre>
 * blobs/sha256/&lt;hex&gt;     configs, layers, manifests; each once
 * index.json              one descriptor per tag (io.containerd.image.name, org.opencontainers.image.ref.name)
 * oci-layout              {"imageLayoutVersion": "1.0.0"}
 * manifest.json           DOCKER only: [{"Config": "blobs/sha256/…", "RepoTags": […], "Layers": […]}]
 * repositories            DOCKER only: {"busybox": {"latest": "&lt;top layer hex&gt;"}}
 * </pre>
 *
 * Names are chosen as moby's {@code parseNames} chooses them: an ID saves the image without
 * names, {@code busybox} saves every tag of that repository, {@code busybox:1} that tag.
 */
public final class ImageSaver {
    private static final int MAX_MANIFEST = 4 * 1024 * 1024;

    private final ImageStore store;
    private final ContentStore content;

    public ImageSaver(ImageStore store) {
        this.store = store;
        this.content = store.content();
    }

    /** Writes the named images as a tar to {@code out}, which stays open. */
    public void save(List<String> names, ArchiveFormat format, OutputStream out) throws ImageException {
        Map<Digest, List<ImageReference>> selected = select(names);
        try {
            write(selected, new TarSink(out), format == ArchiveFormat.DOCKER);
        } catch (IOException e) {
            throw ImageException.io("save " + String.join(" ", names), e);
        }
    }

    /** Writes the named images as an OCI image layout in {@code directory}. */
    public void saveLayout(List<String> names, Path directory) throws ImageException {
        Map<Digest, List<ImageReference>> selected = select(names);
        try {
            write(selected, new DirectorySink(directory), false);
        } catch (IOException e) {
            throw ImageException.io("save " + String.join(" ", names) + " to " + directory, e);
        }
    }

    /** Image IDs in the order first named, each with the tags to save it under. */
    Map<Digest, List<ImageReference>> select(List<String> names) throws ImageException {
        Map<Digest, List<ImageReference>> selected = new LinkedHashMap<>();
        for (String name : names) {
            if (looksLikeId(name)) {
                add(selected, store.resolve(name).id(), null);
                continue;
            }
            ImageReference ref = ImageReference.parse(name);
            if (ref.isNameOnly()) {
                Map<ImageReference, Digest> byName = store.referencesByName(ref);
                if (byName.isEmpty()) {
                    add(selected, store.resolve(name).id(), null); // an ID prefix
                }
                List<Map.Entry<ImageReference, Digest>> entries = new ArrayList<>(byName.entrySet());
                entries.sort(Map.Entry.comparingByKey(Comparator.comparing(ImageReference::toString)));
                for (Map.Entry<ImageReference, Digest> entry : entries) {
                    add(selected, entry.getValue(), entry.getKey());
                }
            } else {
                Image image = store.resolve(name);
                add(selected, image.id(), ref);
            }
        }
        return selected;
    }

    private static boolean looksLikeId(String name) {
        return name.matches("[a-f0-9]{64}") || name.startsWith("sha256:");
    }

    private static void add(Map<Digest, List<ImageReference>> selected, Digest id, ImageReference ref) {
        List<ImageReference> tags = selected.computeIfAbsent(id, k -> new ArrayList<>());
        // Digest references are not saved as names (moby: "Canonical" refs add nothing).
        if (ref != null && ref.digest() == null) {
            ImageReference tagged = ref.withDefaultTag();
            if (!tags.contains(tagged)) {
                tags.add(tagged);
            }
        }
    }

    private void write(Map<Digest, List<ImageReference>> selected, ArchiveSink sink, boolean docker)
            throws IOException, ImageException {
        sink.directory("blobs");
        sink.directory("blobs/" + Digest.SHA256);
        Set<Digest> written = new HashSet<>();
        List<Descriptor> indexEntries = new ArrayList<>();
        List<DockerManifestItem> items = new ArrayList<>();
        Map<String, Map<String, String>> repositories = new TreeMap<>();

        for (Map.Entry<Digest, List<ImageReference>> entry : selected.entrySet()) {
            ImageRecord record = store.get(entry.getKey())
                    .orElseThrow(() -> ImageException.notFound("No such image: " + entry.getKey()))
                    .record();
            byte[] manifestBytes = content.read(record.manifest(), MAX_MANIFEST);
            Manifest manifest;
            try {
                manifest = ImageJson.readManifest(manifestBytes, "manifest " + record.manifest());
            } catch (InvalidImageException e) {
                throw ImageException.internal(e.getMessage(), e);
            }
            List<String> layerPaths = new ArrayList<>();
            writeBlob(sink, written, manifest.config().digest());
            for (Descriptor layer : manifest.layers()) {
                writeBlob(sink, written, layer.digest());
                layerPaths.add(blobPath(layer.digest()));
            }
            writeBlob(sink, written, record.manifest());

            String mediaType = manifest.mediaType() != null ? manifest.mediaType() : MediaTypes.OCI_MANIFEST;
            Descriptor descriptor = Descriptor.of(mediaType, record.manifest(), manifestBytes.length);
            List<ImageReference> tags = entry.getValue();
            if (tags.isEmpty()) {
                indexEntries.add(descriptor);
            }
            List<String> repoTags = new ArrayList<>();
            for (ImageReference tag : tags) {
                indexEntries.add(descriptor.withAnnotations(Map.of(
                        Descriptor.CONTAINERD_IMAGE_NAME, tag.toString(),
                        Descriptor.REF_NAME, tag.tag())));
                repoTags.add(tag.familiar());
                if (!manifest.layers().isEmpty()) {
                    repositories.computeIfAbsent(tag.familiarName(), k -> new TreeMap<>())
                            .put(tag.tag(), manifest.layers().getLast().digest().encoded());
                }
            }
            items.add(new DockerManifestItem(blobPath(manifest.config().digest()),
                    repoTags.isEmpty() ? null : repoTags, layerPaths, null));
        }

        writeDocument(sink, ImageLayout.INDEX_FILE_NAME,
                ImageJson.write(Index.of(MediaTypes.OCI_INDEX, indexEntries)));
        if (docker) {
            writeDocument(sink, DockerManifestItem.FILE_NAME, ImageJson.write(items));
        }
        writeDocument(sink, ImageLayout.FILE_NAME, ImageJson.write(ImageLayout.current()));
        if (docker && !repositories.isEmpty()) {
            writeDocument(sink, DockerManifestItem.REPOSITORIES, ImageJson.write(repositories));
        }
        sink.finish();
    }

    private void writeBlob(ArchiveSink sink, Set<Digest> written, Digest digest) throws IOException, ImageException {
        if (!written.add(digest)) {
            return;
        }
        BlobInfo info = content.info(digest)
                .orElseThrow(() -> ImageException.notFound("blob " + digest + ": not found"));
        try (InputStream in = content.open(digest)) {
            sink.file(blobPath(digest), info.size(), in);
        }
    }

    private static void writeDocument(ArchiveSink sink, String name, byte[] data) throws IOException {
        sink.file(name, data.length, new ByteArrayInputStream(data));
    }

    private static String blobPath(Digest digest) {
        return "blobs/" + digest.algorithm() + "/" + digest.encoded();
    }
}
