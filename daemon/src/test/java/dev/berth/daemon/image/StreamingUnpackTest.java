package dev.berth.daemon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.image.ImageException;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.snapshot.CopyingSnapshotter;
import dev.berth.image.snapshot.Mounter;
import dev.berth.image.snapshot.OverlaySnapshotter;
import dev.berth.image.snapshot.SnapshotInfo;
import dev.berth.image.snapshot.SnapshotKind;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacking while pulling, driven as the registry client drives it: one thread per layer, in
 * any order, each reading a stream that ends only once the blob was verified (or fails). Needs
 * root, as every layer apply does (chown, whiteout devices, trusted.* xattrs).
 */
class StreamingUnpackTest {
    @TempDir
    Path root;
    private Snapshotter snapshots;
    private FileContentStore content;
    private LayerUnpacking unpacking;

    /** Three gzip layers: a, then b, then a whiteout of a. */
    private final List<byte[]> tars = new ArrayList<>();
    private final List<byte[]> blobs = new ArrayList<>();
    private Manifest manifest;
    private ImageConfig config;

    @BeforeEach
    void open() throws Exception {
        boolean isRoot = "root".equals(System.getProperty("user.name"));
        if (!isRoot && (Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT")))) {
            throw new AssertionError("unpacking layers needs root, and berth.requireRoot is set");
        }
        assumeTrue(isRoot, "unpacking layers needs root (chown, whiteout devices, trusted.* xattrs)");
        content = FileContentStore.open(root);
        snapshots = OverlaySnapshotter.open(root.resolve("snapshots"));
        unpacking = new LayerUnpacking(content, snapshots);
        tars.add(tar("a", "first\n"));
        tars.add(tar("b", "second\n"));
        tars.add(tar(".wh.a", ""));
        List<String> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (byte[] tar : tars) {
            byte[] blob = gzip(tar);
            blobs.add(blob);
            layers.add("{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + Digest.of(blob)
                    + "\",\"size\":" + blob.length + "}");
            diffIds.add("\"" + Digest.of(tar) + "\"");
        }
        byte[] configJson = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + String.join(",", diffIds) + "]}}").getBytes(StandardCharsets.UTF_8);
        config = ImageJson.readConfig(configJson, "config");
        manifest = ImageJson.readManifest(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digest.of(configJson)
                + "\",\"size\":" + configJson.length + "},\"layers\":[" + String.join(",", layers) + "]}")
                .getBytes(StandardCharsets.UTF_8), "manifest");
    }

    @AfterEach
    void close() {
        if (snapshots != null) {
            snapshots.close();
        }
    }

    private String chain(int index) {
        return LayerUnpacking.chainId(config.diffIds().subList(0, index), config.diffIds().get(index));
    }

    private Descriptor layer(int index) {
        return manifest.layers().get(index);
    }

    @Test
    void overlayLayersUnpackSideBySideAndAreCommittedBaseFirstOnTheirParents() throws Exception {
        List<List<Integer>> reads = readTopFirst(unpacking, snapshots);
        // nobody waited to read: every layer read before any was committed (the order of the
        // first reads is the scheduler's, as the 20 ms between submissions does not bind it)
        assertThat(reads.get(0)).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(reads.get(1)).containsExactly(0, 0, 0);
        assertChainedAndMerged(snapshots);
    }

    @Test
    void copyingLayersEachWaitForTheOneBelowBeforeReading() throws Exception {
        try (Snapshotter copying = CopyingSnapshotter.open(root.resolve("copies"))) {
            List<List<Integer>> reads = readTopFirst(new LayerUnpacking(content, copying), copying);
            assertThat(reads.get(0)).containsExactly(0, 1, 2); // each waited for the one below
            assertThat(reads.get(1)).containsExactly(0, 1, 2);
            assertChainedAndMerged(copying);
        }
    }

    /**
     * Feeds the three layers top first, each on its own thread, and returns the order of their
     * first reads and how many snapshots were committed at each first read.
     */
    private List<List<Integer>> readTopFirst(LayerUnpacking into, Snapshotter snaps) throws Exception {
        StreamingUnpack listener = into.whilePulling();
        listener.begin(manifest, config);
        List<Integer> firstReads = new CopyOnWriteArrayList<>();
        List<Integer> commitsSeenAtFirstRead = new CopyOnWriteArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 2; i >= 0; i--) { // the top layer's bytes first, as a small layer's may
                int index = i;
                InputStream watched = new FilterInputStream(new ByteArrayInputStream(blobs.get(index))) {
                    private boolean seen;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (!seen) {
                            seen = true;
                            firstReads.add(index);
                            commitsSeenAtFirstRead.add(committedCount(snaps));
                        }
                        return super.read(b, off, len);
                    }
                };
                done.add(threads.submit(() -> {
                    listener.layer(index, layer(index), watched);
                    return null;
                }));
                Thread.sleep(20);
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        return List.of(firstReads, commitsSeenAtFirstRead);
    }

    /** Each layer's snapshot sits on the one below, and the merged tree is b alone: the top layer deleted a. */
    private void assertChainedAndMerged(Snapshotter into) throws Exception {
        assertThat(into.stat(chain(0)).parent()).isNull();
        assertThat(into.stat(chain(1)).parent()).isEqualTo(chain(0));
        assertThat(into.stat(chain(2)).parent()).isEqualTo(chain(1));
        List<SnapshotInfo> all = new ArrayList<>();
        into.walk(all::add);
        assertThat(all).hasSize(3).allMatch(s -> s.kind() == SnapshotKind.COMMITTED);
        Path target = Files.createDirectory(root.resolve("view-" + all.size() + "-" + System.nanoTime()));
        Mounter.mountAll(into.view("view", chain(2)), target);
        try (var names = Files.list(target)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactly("b");
        } finally {
            Mounter.unmountAll(target);
            into.remove("view");
        }
    }

    @Test
    void aBlobWhoseDigestFailsAtTheEndLeavesNoSnapshotAndFailsTheLayersAbove() throws Exception {
        StreamingUnpack listener = unpacking.whilePulling();
        listener.begin(manifest, config);
        CompletableFuture<Void> top = CompletableFuture.runAsync(() -> {
            try {
                listener.layer(2, layer(2), new ByteArrayInputStream(blobs.get(2)));
            } catch (ImageException e) {
                throw new RuntimeException(e);
            }
        });
        listener.layer(0, layer(0), new ByteArrayInputStream(blobs.get(0)));
        // every byte arrives, then the pipe reports that the digest did not match
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(blobs.get(1))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    throw new IOException("blob " + layer(1).digest() + ": digest mismatch: got sha256:0000");
                }
                return n;
            }
        };
        assertThatThrownBy(() -> listener.layer(1, layer(1), failing))
                .isInstanceOf(ImageException.class).hasMessageContaining("digest mismatch");
        // the layer above fails with the root cause, so whichever failure the pull reports first names it
        assertThatThrownBy(() -> top.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("digest mismatch");
        assertThat(all()).extracting(SnapshotInfo::name).containsExactly(chain(0)); // nothing active, nothing above
        assertThat(leftoverDirectories()).isEqualTo(1);
    }

    @Test
    void aLayerThatUnpacksToAnotherDiffIdIsNeverCommitted() throws Exception {
        StreamingUnpack listener = unpacking.whilePulling();
        listener.begin(manifest, config);
        assertThatThrownBy(() -> listener.layer(0, layer(0), new ByteArrayInputStream(gzip(tar("a", "forged\n")))))
                .isInstanceOf(ImageException.class).hasMessageContaining("the image config says " + config.diffIds().get(0));
        assertThat(all()).isEmpty();
        assertThat(leftoverDirectories()).isZero();
    }

    @Test
    void aLayerThatIsNotAWholeGzipIsRefusedNamingItsBlob() throws Exception {
        StreamingUnpack listener = unpacking.whilePulling();
        listener.begin(manifest, config);
        byte[] truncated = java.util.Arrays.copyOf(blobs.get(0), blobs.get(0).length / 2);
        // the unpacker calls it "layer"; the pull's error must say which one of the image's layers
        assertThatThrownBy(() -> listener.layer(0, layer(0), new ByteArrayInputStream(truncated)))
                .isInstanceOf(ImageException.class)
                .hasMessage("layer " + layer(0).digest() + ": is not a valid tar stream: unexpected EOF");
        assertThat(all()).isEmpty();
        assertThat(leftoverDirectories()).isZero();
    }

    @Test
    void aSnapshotThatExistsIsNotReadAgain() throws Exception {
        StreamingUnpack first = unpacking.whilePulling();
        first.begin(manifest, config);
        first.layer(0, layer(0), new ByteArrayInputStream(blobs.get(0)));
        StreamingUnpack second = unpacking.whilePulling();
        second.begin(manifest, config);
        InputStream untouchable = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("read a layer whose snapshot exists");
            }
        };
        second.layer(0, layer(0), untouchable);
        second.layer(1, layer(1), new ByteArrayInputStream(blobs.get(1)));
        assertThat(all()).hasSize(2);
    }

    private static int committedCount(Snapshotter snaps) {
        try {
            List<SnapshotInfo> all = new ArrayList<>();
            snaps.walk(all::add);
            return (int) all.stream().filter(s -> s.kind() == SnapshotKind.COMMITTED).count();
        } catch (ImageException e) {
            throw new RuntimeException(e);
        }
    }

    private List<SnapshotInfo> all() throws ImageException {
        List<SnapshotInfo> out = new ArrayList<>();
        snapshots.walk(out::add);
        return out;
    }

    /** Snapshot directories on disk (besides metadata.json): none half-made may stay. */
    private long leftoverDirectories() throws IOException {
        try (var children = Files.list(root.resolve("snapshots"))) {
            return children.filter(Files::isDirectory).count();
        }
    }

    private static byte[] tar(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(data.length);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
