package dev.berth.image.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.linux.MountInfo;
import dev.berth.linux.Mounts;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Snapshotter} must do, checked through real mounts. A subclass per
 * implementation supplies {@link #open}; everything else is shared, so the overlay and the
 * copying snapshotter are held to exactly the same behaviour.
 */
@RequiresRoot
public abstract class SnapshotterContract {
    /**
     * Long on purpose: with absolute paths, a 140-layer overlay's options are several pages,
     * so the chain test proves that mounting compacts them.
     */
    private static final String LONG = "a-deliberately-long-directory-name-that-makes-every-absolute-lowerdir-long";

    protected Scratch scratch;
    protected Path dir;
    protected Snapshotter snapshots;

    /** Opens the implementation under test on {@code dir}. */
    protected abstract Snapshotter open(Path dir) throws ImageException;

    @BeforeEach
    void setUp() throws Exception {
        scratch = Scratch.create("berth-snapshots-");
        dir = scratch.root().resolve(LONG).resolve("snapshots");
        snapshots = open(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (snapshots != null) {
                snapshots.close();
            }
        } finally {
            scratch.close();
            assertThat(MountInfo.under(scratch.root())).isEmpty();
            assertThat(scratch.root()).doesNotExist();
        }
    }

    /** Prepares {@code key} on {@code parent}, lets {@code change} edit it through its mounts, unmounts. */
    protected void edit(String key, String parent, FsChange change) throws Exception {
        List<Mount> mounts = snapshots.prepare(key, parent);
        Path target = scratch.mount(mounts, key);
        try {
            change.apply(target);
        } finally {
            scratch.unmount(target);
        }
    }

    /** A committed layer {@code name} on {@code parent}, made by {@code change}. */
    protected void layer(String name, String parent, FsChange change) throws Exception {
        edit("extract-" + name, parent, change);
        snapshots.commit(name, "extract-" + name);
    }

    @FunctionalInterface
    protected interface FsChange {
        void apply(Path root) throws Exception;
    }

    @Test
    void prepareWithoutParentGivesAnEmptyWritableTree() throws Exception {
        List<Mount> mounts = snapshots.prepare("a", null);
        assertThat(snapshots.mounts("a")).isEqualTo(mounts);
        Path target = scratch.mount(mounts, "a");
        try (Stream<Path> list = Files.list(target)) {
            assertThat(list).isEmpty();
        }
        Files.writeString(target.resolve("hello"), "world");
        scratch.unmount(target);

        snapshots.commit("base", "a");
        assertThat(snapshots.stat("base").kind()).isEqualTo(SnapshotKind.COMMITTED);
        assertThat(snapshots.stat("base").parent()).isNull();
        assertThatThrownBy(() -> snapshots.stat("a"))
                .isInstanceOf(ImageException.class)
                .hasMessage("snapshot a: not found")
                .satisfies(e -> assertThat(((ImageException) e).kind()).isEqualTo(ImageException.Kind.NOT_FOUND));
    }

    @Test
    void lowerFilesShowThroughAndTheParentStaysUnchanged() throws Exception {
        layer("base", null, root -> {
            Files.createDirectories(root.resolve("etc"));
            Files.writeString(root.resolve("etc/os-release"), "berth");
        });
        edit("child", "base", root -> {
            assertThat(Files.readString(root.resolve("etc/os-release"))).isEqualTo("berth");
            Files.writeString(root.resolve("etc/os-release"), "changed");
            Files.writeString(root.resolve("etc/new"), "new");
        });
        snapshots.commit("child-layer", "child");

        Path base = scratch.mount(snapshots.view("v-base", "base"), "v-base");
        assertThat(Files.readString(base.resolve("etc/os-release"))).isEqualTo("berth");
        assertThat(base.resolve("etc/new")).doesNotExist();
        Path top = scratch.mount(snapshots.view("v-top", "child-layer"), "v-top");
        assertThat(Files.readString(top.resolve("etc/os-release"))).isEqualTo("changed");
        assertThat(Files.readString(top.resolve("etc/new"))).isEqualTo("new");
        assertThat(snapshots.stat("child-layer").parent()).isEqualTo("base");
    }

    @Test
    void deletionsHideLowerFiles() throws Exception {
        layer("base", null, root -> {
            Files.writeString(root.resolve("keep"), "k");
            Files.writeString(root.resolve("gone"), "g");
            Files.createDirectories(root.resolve("tree/sub"));
            Files.writeString(root.resolve("tree/sub/leaf"), "l");
        });
        layer("deleting", "base", root -> {
            Files.delete(root.resolve("gone"));
            SnapshotCatalog.deleteTree(root.resolve("tree"));
        });
        layer("above", "deleting", root -> Files.writeString(root.resolve("more"), "m"));

        Path v = scratch.mount(snapshots.view("v", "above"), "v");
        assertThat(v.resolve("keep")).exists();
        assertThat(v.resolve("gone")).doesNotExist();
        assertThat(v.resolve("tree")).doesNotExist();
        assertThat(v.resolve("more")).exists();
        Path b = scratch.mount(snapshots.view("vb", "base"), "vb");
        assertThat(b.resolve("gone")).exists();
        assertThat(b.resolve("tree/sub/leaf")).exists();
    }

    @Test
    void aRecreatedDirectoryHidesWhatWasBelowIt() throws Exception {
        layer("base", null, root -> {
            Files.createDirectories(root.resolve("d/old-sub"));
            Files.writeString(root.resolve("d/old"), "o");
            Files.writeString(root.resolve("d/old-sub/x"), "x");
        });
        layer("opaque", "base", root -> {
            SnapshotCatalog.deleteTree(root.resolve("d"));
            Files.createDirectory(root.resolve("d"));
            Files.writeString(root.resolve("d/new"), "n");
        });
        layer("top", "opaque", root -> Files.writeString(root.resolve("d/newer"), "n2"));

        Path v = scratch.mount(snapshots.view("v", "top"), "v");
        try (Stream<Path> list = Files.list(v.resolve("d"))) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("new", "newer");
        }
    }

    @Test
    void viewsAreReadOnly() throws Exception {
        layer("one", null, root -> Files.writeString(root.resolve("f1"), "1"));
        layer("two", "one", root -> Files.writeString(root.resolve("f2"), "2"));

        for (String parent : new String[] {null, "one", "two"}) {
            String key = "view-" + parent;
            List<Mount> mounts = snapshots.view(key, parent);
            assertThat(mounts).allSatisfy(m -> assertThat(m.readOnly()).isTrue());
            assertThat(snapshots.stat(key).kind()).isEqualTo(SnapshotKind.VIEW);
            Path v = scratch.mount(mounts, key);
            if (parent != null) {
                assertThat(Files.readString(v.resolve("f1"))).isEqualTo("1");
            }
            assertThatThrownBy(() -> Files.writeString(v.resolve("f1"), "x"))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("Read-only file system");
            assertThatThrownBy(() -> Files.createDirectory(v.resolve("newdir")))
                    .isInstanceOf(FileSystemException.class);
        }
    }

    @Test
    void removeRefusesASnapshotWithChildren() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "f"));
        snapshots.prepare("container", "base");
        snapshots.view("reader", "base");

        assertThatThrownBy(() -> snapshots.remove("base"))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("cannot remove snapshot base: snapshot ")
                .satisfies(e -> assertThat(((ImageException) e).kind()).isEqualTo(ImageException.Kind.CONFLICT));

        snapshots.remove("container");
        snapshots.remove("reader");
        snapshots.remove("base");
        assertThat(names()).isEmpty();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("metadata.json");
        }
        assertThatThrownBy(() -> snapshots.remove("base")).hasMessage("snapshot base: not found");
    }

    @Test
    void namesAreUniqueAndParentsMustBeCommitted() throws Exception {
        snapshots.prepare("a", null);
        assertThatThrownBy(() -> snapshots.prepare("a", null))
                .hasMessage("snapshot a: already exists")
                .satisfies(e -> assertThat(((ImageException) e).kind()).isEqualTo(ImageException.Kind.CONFLICT));
        assertThatThrownBy(() -> snapshots.view("a", null)).hasMessage("snapshot a: already exists");
        assertThatThrownBy(() -> snapshots.prepare("b", "missing"))
                .hasMessage("parent snapshot missing: not found");
        assertThatThrownBy(() -> snapshots.prepare("b", "a"))
                .hasMessage("parent snapshot a is active: only committed snapshots can be parents")
                .satisfies(e -> assertThat(((ImageException) e).kind())
                        .isEqualTo(ImageException.Kind.INVALID_ARGUMENT));
        snapshots.commit("layer", "a");
        snapshots.prepare("c", null);
        assertThatThrownBy(() -> snapshots.commit("layer", "c")).hasMessage("snapshot layer: already exists");
        // nothing half-made from the refusals
        assertThat(names()).containsExactlyInAnyOrder("layer", "c");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("tmp-"));
        }
    }

    @Test
    void onlyActiveSnapshotsCommitAndCommittedOnesDoNotMount() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "f"));
        snapshots.view("v", "base");
        assertThatThrownBy(() -> snapshots.commit("x", "v"))
                .hasMessage("snapshot v is not active: only active snapshots can be committed");
        assertThatThrownBy(() -> snapshots.mounts("base"))
                .hasMessage("snapshot base is committed: prepare or view a child to mount it");
    }

    @Test
    void usageCountsBytesAndInodes() throws Exception {
        edit("a", null, root -> {
            Files.writeString(root.resolve("five"), "12345");
            Files.createDirectory(root.resolve("dir"));
            Files.writeString(root.resolve("dir/ten"), "0123456789");
            Files.createLink(root.resolve("dir/also-ten"), root.resolve("dir/ten"));
        });
        // root, five, dir, dir/ten (= dir/also-ten): 4 inodes, 15 bytes
        assertThat(snapshots.usage("a")).isEqualTo(new Usage(15, 4));
        snapshots.commit("base", "a");
        assertThat(snapshots.usage("base")).isEqualTo(new Usage(15, 4));

        snapshots.prepare("child", "base");
        Usage before = snapshots.usage("child");
        Path target = scratch.mount(snapshots.mounts("child"), "child");
        Files.writeString(target.resolve("seven"), "1234567");
        scratch.unmount(target);
        Usage after = snapshots.usage("child");
        assertThat(after.size() - before.size()).isEqualTo(7);
        assertThat(after.inodes() - before.inodes()).isEqualTo(1);
        assertThat(snapshots.usage(snapshots.stat("child").name())).isEqualTo(after);
    }

    @Test
    void aChainOf140LayersMounts() throws Exception {
        String parent = null;
        for (int i = 0; i < 140; i++) {
            int n = i;
            String name = "layer-" + i;
            layer(name, parent, root -> {
                Files.writeString(root.resolve("from-" + n), Integer.toString(n));
                Files.writeString(root.resolve("top"), Integer.toString(n));
            });
            parent = name;
        }
        List<Mount> mounts = snapshots.prepare("container", parent);
        for (Mount m : mounts) {
            if (m.type().equals("overlay")) {
                assertThat(m.lowerDirs()).hasSize(140);
                assertThat(String.join(",", m.options()).length()).isGreaterThan(Mounts.MAX_DATA_LENGTH);
            }
        }
        Path target = scratch.mount(mounts, "container");
        assertThat(Files.readString(target.resolve("from-0"))).isEqualTo("0");
        assertThat(Files.readString(target.resolve("from-139"))).isEqualTo("139");
        assertThat(Files.readString(target.resolve("top"))).isEqualTo("139");
        Files.writeString(target.resolve("container-file"), "c");
        scratch.unmount(target);

        Path view = scratch.mount(snapshots.view("view", parent), "view");
        try (Stream<Path> list = Files.list(view)) {
            assertThat(list.count()).isEqualTo(141);
        }
    }

    @Test
    void metadataSurvivesAReopen() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "f"));
        snapshots.prepare("tmp", "base");
        snapshots.commit("labelled", "tmp", Map.of("berth.dev/layer", "sha256:abc"));
        snapshots.prepare("active", "labelled", Map.of("role", "container"));
        snapshots.view("reader", "base");
        List<SnapshotInfo> before = infos();
        Usage usage = snapshots.usage("base");
        snapshots.close();

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains("metadata.json")
                    .noneMatch(n -> n.startsWith("tmp-"));
        }
        snapshots = open(dir);
        assertThat(infos()).containsExactlyElementsOf(before);
        assertThat(snapshots.stat("labelled").labels()).containsEntry("berth.dev/layer", "sha256:abc");
        assertThat(snapshots.stat("active").labels()).containsEntry("role", "container");
        assertThat(snapshots.usage("base")).isEqualTo(usage);
        Path target = scratch.mount(snapshots.mounts("active"), "active");
        assertThat(Files.readString(target.resolve("f"))).isEqualTo("f");
    }

    @Test
    void snapshotsPreparedAtOnceAreAllOnDiskWhenTheirPreparesReturn() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "f"));
        int n = 12;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            List<java.util.concurrent.Future<?>> prepares = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = "layer-" + i;
                String parent = i % 2 == 0 ? null : "base";
                prepares.add(pool.submit(() -> {
                    start.await();
                    snapshots.prepare(key, parent);
                    return null;
                }));
            }
            for (var f : prepares) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        // What metadata.json holds now, read as a restarted daemon would, without a close first.
        Snapshotter reread = open(dir);
        try {
            List<String> keys = new java.util.ArrayList<>();
            reread.walk(info -> keys.add(info.name()));
            assertThat(keys).hasSize(n + 1).contains("base", "layer-0", "layer-" + (n - 1));
        } finally {
            reread.close();
        }
    }

    @Test
    void aTornMetadataWriteIsIgnored() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "f"));
        snapshots.close();
        // a crash between writing the temp file and renaming it leaves this behind
        Path torn = Files.writeString(dir.resolve("tmp-metadata.json-crashed"), "{\"snapshots\": {\"half");

        snapshots = open(dir);
        assertThat(names()).containsExactly("base");
        assertThat(torn).doesNotExist();
    }

    @Test
    void halfMadeSnapshotsAreSweptOnOpen() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "f"));
        snapshots.close();
        // a crash mid-prepare (a temp dir) and between rename and metadata write (an unknown id)
        Path temp = Files.createDirectories(dir.resolve("tmp-1234/fs/usr/bin"));
        Files.writeString(temp.resolve("half"), "h");
        Path orphan = Files.createDirectories(dir.resolve("999/fs"));

        snapshots = open(dir);
        assertThat(dir.resolve("tmp-1234")).doesNotExist();
        assertThat(orphan.getParent()).doesNotExist();
        assertThat(names()).containsExactly("base");
        snapshots.prepare("next", "base");
        Path target = scratch.mount(snapshots.mounts("next"), "next");
        assertThat(target.resolve("f")).exists();
        assertThat(target.resolve("usr")).doesNotExist();
    }

    @Test
    void walkListsParentsBeforeChildren() throws Exception {
        layer("a", null, root -> Files.writeString(root.resolve("a"), "a"));
        layer("b", "a", root -> Files.writeString(root.resolve("b"), "b"));
        snapshots.prepare("c", "b");
        snapshots.view("d", "a");
        List<SnapshotInfo> all = infos();
        assertThat(all).extracting(SnapshotInfo::name).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(all).extracting(SnapshotInfo::name).containsSubsequence("a", "b", "c");
        assertThat(all).filteredOn(i -> i.name().equals("c")).singleElement()
                .satisfies(i -> {
                    assertThat(i.kind()).isEqualTo(SnapshotKind.ACTIVE);
                    assertThat(i.parent()).isEqualTo("b");
                    assertThat(i.created()).isBeforeOrEqualTo(i.updated());
                });
    }

    @Test
    void mountsConvertToOciSpecMounts() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "f"));
        for (Mount m : snapshots.prepare("c", "base")) {
            var spec = m.toSpecMount("/");
            assertThat(spec.destination()).isEqualTo("/");
            assertThat(spec.type()).isEqualTo(m.type());
            assertThat(spec.source()).isEqualTo(m.source());
            assertThat(spec.options()).isEqualTo(m.options());
        }
    }

    private List<SnapshotInfo> infos() throws ImageException {
        List<SnapshotInfo> all = new ArrayList<>();
        snapshots.walk(all::add);
        return all;
    }

    private List<String> names() throws ImageException {
        return infos().stream().map(SnapshotInfo::name).toList();
    }
}
