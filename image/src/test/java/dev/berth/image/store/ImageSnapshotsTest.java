package dev.berth.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.image.content.FileContentStore;
import dev.berth.image.content.Lease;
import dev.berth.image.layer.ChainId;
import dev.berth.image.layer.SnapshotUnpacker;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.snapshot.OverlaySnapshotter;
import dev.berth.image.snapshot.Scratch;
import dev.berth.image.snapshot.SnapshotInfo;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The image store over real overlay snapshots named by chain ID: an image records the size of
 * its unpacked layers when registered, and deleting the last image of a chain collects its
 * snapshots while those other images (or a container) still use stay.
 */
@RequiresRoot
class ImageSnapshotsTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private Scratch scratch;
    private FileContentStore content;
    private Snapshotter snapshots;
    private ImageStore store;

    @BeforeEach
    void open() throws Exception {
        scratch = Scratch.create("berth-image-snapshots-");
        content = FileContentStore.open(scratch.root());
        snapshots = OverlaySnapshotter.open(scratch.root().resolve("snapshots"));
        store = ImageStore.open(scratch.root(), content, snapshots);
    }

    @AfterEach
    void close() throws Exception {
        try {
            snapshots.close();
        } finally {
            scratch.close();
        }
    }

    /** An image of these layers (blob content = name), each unpacked as a file {@code <name>} of {@code bytes}. */
    private ImageRecord image(int bytes, String... layers) throws Exception {
        ImageRecord record = TestImages.image(content, T0, Map.of(), layers);
        List<Digest> chain = ChainId.of(record.layers()); // the test images' diffIDs are their blob digests
        for (int i = 0; i < layers.length; i++) {
            unpack(chain.get(i).toString(), i == 0 ? null : chain.get(i - 1).toString(), layers[i], bytes);
        }
        return record;
    }

    private void unpack(String name, String parent, String file, int bytes) throws Exception {
        try {
            snapshots.stat(name);
            return; // shared with an image unpacked before
        } catch (dev.berth.image.ImageException e) {
            // not yet
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry e = new TarArchiveEntry(file);
            e.setSize(bytes);
            out.putArchiveEntry(e);
            out.write(new byte[bytes]);
            out.closeArchiveEntry();
        }
        new SnapshotUnpacker(snapshots).unpack(name, parent, new ByteArrayInputStream(tar.toByteArray()));
    }

    private List<String> names() throws Exception {
        List<String> names = new ArrayList<>();
        snapshots.walk(info -> names.add(info.name()));
        return names;
    }

    private long snapshotDirs() throws Exception {
        try (Stream<Path> dirs = Files.list(scratch.root().resolve("snapshots"))) {
            return dirs.filter(Files::isDirectory).count();
        }
    }

    private static String chain(String... layers) {
        List<Digest> diffIds = Stream.of(layers)
                .map(l -> Digest.of(l.getBytes(StandardCharsets.UTF_8))).toList();
        return ChainId.of(diffIds).getLast().toString();
    }

    @Test
    void anImageRecordsTheSizeOfItsUnpackedLayersAndKeepsIt() throws Exception {
        ImageRecord record = image(1000, "layer-a", "layer-b");
        Image image = store.put(record, List.of(ImageReference.parse("two:1"))).image();

        // file contents, not blob sizes (the test blobs are 7 bytes each)
        assertThat(image.record().size()).isEqualTo(2000);
        assertThat(ImageStore.open(scratch.root(), content, snapshots).get(image.id()).orElseThrow().record().size())
                .isEqualTo(2000);
        assertThat(store.layersSize()).isEqualTo(2000);
        // without snapshots the size is not known
        ImageRecord other = TestImages.image(content, T0, Map.of("x", "y"), "layer-c");
        assertThat(store.put(other, List.of()).image().record().size()).isNull();
    }

    @Test
    void deletingTheLastImageOfAChainCollectsItsSnapshotsAndKeepsSharedOnes() throws Exception {
        store.put(image(10, "base"), List.of(ImageReference.parse("base:1")));
        store.put(image(10, "base", "top"), List.of(ImageReference.parse("top:1")));
        unpack(chain("orphan"), null, "orphan", 10); // left by an unpack that failed before registering
        assertThat(names()).containsExactlyInAnyOrder(chain("base"), chain("base", "top"), chain("orphan"));

        assertThat(new SnapshotCollector(store, snapshots).collect()).containsExactly(chain("orphan"));

        new ImageDeleter(store, ImageUsers.NONE).delete("top:1", false);
        store.collectGarbage();
        assertThat(names()).containsExactly(chain("base"));

        // a container's layer on the base keeps it, even once no image names it
        snapshots.prepare("container", chain("base"));
        new ImageDeleter(store, ImageUsers.NONE).delete("base:1", false);
        store.collectGarbage();
        assertThat(names()).containsExactlyInAnyOrder(chain("base"), "container");

        snapshots.remove("container");
        store.collectGarbage();
        assertThat(names()).isEmpty();
        assertThat(snapshotDirs()).isZero();
    }

    @Test
    void nothingIsCollectedWhileAnImageIsBeingAssembled() throws Exception {
        unpack(chain("half"), null, "half", 10); // committed by a pull that has not registered its image yet
        try (Lease lease = content.lease()) {
            assertThat(new SnapshotCollector(store, snapshots).collect()).isEmpty();
            assertThat(names()).containsExactly(chain("half"));
        }
        assertThat(new SnapshotCollector(store, snapshots).collect()).containsExactly(chain("half"));
    }

    @Test
    void snapshotsThatAreNotLayersAreNotTheCollectorsBusiness() throws Exception {
        snapshots.prepare("scratch", null);
        snapshots.commit("committed-by-someone-else", "scratch");
        assertThat(new SnapshotCollector(store, snapshots).collect()).isEmpty();
        List<String> kinds = new ArrayList<>();
        snapshots.walk((SnapshotInfo info) -> kinds.add(info.name()));
        assertThat(kinds).containsExactly("committed-by-someone-else");
    }
}
