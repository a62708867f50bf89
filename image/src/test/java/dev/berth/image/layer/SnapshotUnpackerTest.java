package dev.berth.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.snapshot.CopyingSnapshotter;
import dev.berth.image.snapshot.Mount;
import dev.berth.image.snapshot.OverlaySnapshotter;
import dev.berth.image.snapshot.Scratch;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.linux.Xattrs;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layers through real snapshotters: unpack, merged views, and the commit path (changes, diff, unpack). */
@RequiresRoot
class SnapshotUnpackerTest {
    private Scratch scratch;
    private Snapshotter snapshots;

    @BeforeEach
    void setUp() throws Exception {
        scratch = Scratch.create("berth-unpack-");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (snapshots != null) {
                snapshots.close();
            }
        } finally {
            scratch.close();
        }
    }

    private Snapshotter open(String kind) throws ImageException {
        Path dir = scratch.root().resolve("snapshots");
        snapshots = kind.equals("overlay") ? OverlaySnapshotter.open(dir) : CopyingSnapshotter.open(dir);
        return snapshots;
    }

    static byte[] base() throws Exception {
        return new TarBuilder()
                .dir("etc")
                .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
                .file("etc/shadow", "root:*::0:::::\n", 0640, e -> {})
                .file("etc/hosts", "127.0.0.1 localhost\n")
                .file("etc/old", "old")
                .dir("usr/lib")
                .file("usr/lib/libc.so", "libc")
                .symlink("lib", "usr/lib")
                .dir("var/cache/apt")
                .file("var/cache/apt/a.deb", "a")
                .dir("var/lib/d")
                .file("var/lib/d/x", "x")
                .file("var/lib/d/y", "y")
                .dir("opt/keep")
                .rawPax(Map.of("SCHILY.xattr.security.capability", LayerApplierTest.CAPS))
                .file("usr/bin/ping", "elf", 04755, e -> {})
                .tar();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copying"})
    void twoLayersMergeIntoOneView(String kind) throws Exception {
        Snapshotter s = open(kind);
        byte[] first = base();
        byte[] second = TarBuilder.gzip(new TarBuilder()
                .dir("etc")
                .whiteout("etc", "shadow")
                .file("etc/motd", "hello")
                .dir("var/cache/apt")
                .opaque("var/cache/apt")
                .file("var/cache/apt/b.deb", "b")
                .tar());
        SnapshotUnpacker unpacker = new SnapshotUnpacker(s);
        LayerDigest one = unpacker.unpack("layer-1", null, new ByteArrayInputStream(first));
        LayerDigest two = unpacker.unpack("layer-2", "layer-1", new ByteArrayInputStream(second),
                Map.of("berth.dev/diff-id", "x"));
        assertThat(one.diffId()).isEqualTo(Digest.of(first));
        assertThat(two.size()).isGreaterThan(second.length); // uncompressed

        Path v = scratch.mount(s.view("v", "layer-2"), "v");
        assertThat(v.resolve("etc/passwd")).hasContent("root:x:0:0::/root:/bin/sh\n");
        assertThat(v.resolve("etc/shadow")).doesNotExist();
        assertThat(v.resolve("etc/motd")).hasContent("hello");
        assertThat(LayerApplierTest.names(v.resolve("var/cache/apt"))).containsExactly("b.deb");
        assertThat(v.resolve("lib/libc.so")).hasContent("libc");
        assertThat(LayerApplierTest.mode(v.resolve("usr/bin/ping")) & 07777).isEqualTo(04755);
        assertThat(Xattrs.get(v.resolve("usr/bin/ping"), "security.capability")).hasValue(LayerApplierTest.CAPS);
        assertThat(names(s)).containsExactlyInAnyOrder("layer-1", "layer-2", "v");
        assertThat(s.stat("layer-2").labels()).containsEntry("berth.dev/diff-id", "x");
    }

    @Test
    void aLayerUnpackedAheadOfItsParentMergesAsIfUnpackedOnIt() throws Exception {
        Snapshotter s = open("overlay");
        SnapshotUnpacker unpacker = new SnapshotUnpacker(s);
        byte[] second = new TarBuilder().dir("etc").whiteout("etc", "shadow").file("etc/motd", "hello")
                .dir("var/cache/apt").opaque("var/cache/apt").file("var/cache/apt/b.deb", "b").tar();
        byte[] first = base();
        List<String> seenWhenParentAsked = new ArrayList<>();
        // the top layer first: its parent is unpacked only when the top one asks for it
        LayerDigest top = unpacker.unpackAhead("layer-2", "layer-1", new ByteArrayInputStream(second), Map.of(),
                applied -> {}, () -> {
                    seenWhenParentAsked.addAll(names(s));
                    unpacker.unpack("layer-1", null, new ByteArrayInputStream(first));
                });
        assertThat(top.diffId()).isEqualTo(Digest.of(second));
        assertThat(seenWhenParentAsked).singleElement().satisfies(k -> assertThat(k).endsWith(" layer-2"));
        assertThat(s.stat("layer-2").parent()).isEqualTo("layer-1");

        Path v = scratch.mount(s.view("v", "layer-2"), "v");
        assertThat(v.resolve("etc/passwd")).exists();
        assertThat(v.resolve("etc/shadow")).doesNotExist();
        assertThat(v.resolve("etc/motd")).hasContent("hello");
        assertThat(LayerApplierTest.names(v.resolve("var/cache/apt"))).containsExactly("b.deb");
    }

    @Test
    void aLayerUnpackedAheadIsDiscardedWhenItsParentFails() throws Exception {
        Snapshotter s = open("overlay");
        SnapshotUnpacker unpacker = new SnapshotUnpacker(s);
        byte[] layer = new TarBuilder().file("f", "f").tar();

        assertThatThrownBy(() -> unpacker.unpackAhead("layer-2", "layer-1", new ByteArrayInputStream(layer), Map.of(),
                applied -> {}, () -> {
                    throw ImageException.invalid("blob sha256:0: digest mismatch");
                })).isInstanceOf(ImageException.class).hasMessage("blob sha256:0: digest mismatch");
        assertThat(names(s)).isEmpty();
        try (var left = Files.list(scratch.root().resolve("snapshots"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("metadata.json");
        }
    }

    @Test
    void copyingSnapshotsRefuseToUnpackAhead() throws Exception {
        Snapshotter s = open("copying");
        assertThatThrownBy(() -> new SnapshotUnpacker(s).unpackAhead("layer-2", "layer-1",
                new ByteArrayInputStream(new TarBuilder().file("f", "f").tar()), Map.of(), applied -> {}, () -> {}))
                .isInstanceOf(ImageException.class)
                .hasMessage("layer layer-2: this snapshotter cannot unpack a layer before its parent");
        assertThat(names(s)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copying"})
    void aFailedUnpackLeavesNoSnapshot(String kind) throws Exception {
        Snapshotter s = open(kind);
        SnapshotUnpacker unpacker = new SnapshotUnpacker(s);
        unpacker.unpack("layer-1", null, new ByteArrayInputStream(base()));
        byte[] evil = new TarBuilder().file("fine", "f").file("../../etc/passwd", "pwned").tar();

        assertThatThrownBy(() -> unpacker.unpack("layer-2", "layer-1", new ByteArrayInputStream(evil)))
                .isInstanceOf(ImageException.class)
                .hasMessage("layer entry ../../etc/passwd: escapes the layer root");
        assertThat(names(s)).containsExactly("layer-1");
        try (var left = Files.list(scratch.root().resolve("snapshots"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("metadata.json", "1");
        }
    }

    @Test
    void aContainersChangesAreListedDiffedAndCommitted() throws Exception {
        Snapshotter s = open("overlay");
        new SnapshotUnpacker(s).unpack("base", null, new ByteArrayInputStream(base()));
        List<Mount> mounts = s.prepare("container", "base");
        Path c = scratch.mount(mounts, "container");
        Files.writeString(c.resolve("etc/new"), "new");
        Files.writeString(c.resolve("etc/hosts"), "10.0.0.1 db\n");
        Files.delete(c.resolve("etc/old"));
        for (String n : List.of("x", "y")) {
            Files.delete(c.resolve("var/lib/d/" + n));
        }
        Files.delete(c.resolve("var/lib/d"));
        Files.createDirectory(c.resolve("var/lib/d"));
        Files.writeString(c.resolve("var/lib/d/z"), "z");
        Files.createDirectories(c.resolve("srv/www"));
        Files.writeString(c.resolve("srv/www/index.html"), "<h1>");
        Files.setAttribute(c.resolve("opt/keep"), "unix:mode", 0700);
        Map<String, String> merged = TreeState.of(c);
        scratch.unmount(c);

        assertThat(Changes.of(mounts)).extracting(Change::toString).containsExactly(
                "C /etc", "C /etc/hosts", "A /etc/new", "D /etc/old",
                "C /opt/keep",
                "A /srv", "A /srv/www", "A /srv/www/index.html",
                "C /var/lib", "C /var/lib/d", "D /var/lib/d/x", "D /var/lib/d/y", "A /var/lib/d/z");

        // docker commit: the upper layer as a tar, unpacked as a new layer on the same base
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        LayerDigest diff = LayerDiff.writeOverlay(Path.of(mounts.getFirst().option("upperdir").orElseThrow()), tar);
        LayerDigest committed = new SnapshotUnpacker(s).unpack("committed", "base",
                new ByteArrayInputStream(TarBuilder.zstd(tar.toByteArray())));
        assertThat(committed).isEqualTo(diff);
        Path v = scratch.mount(s.view("image", "committed"), "image");
        assertThat(TreeState.of(v)).isEqualTo(merged);
    }

    private static List<String> names(Snapshotter s) throws ImageException {
        List<String> all = new ArrayList<>();
        s.walk(i -> all.add(i.name()));
        return all;
    }
}
