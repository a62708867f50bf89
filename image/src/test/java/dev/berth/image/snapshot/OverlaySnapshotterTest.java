package dev.berth.image.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.linux.FileNodes;
import dev.berth.linux.Xattrs;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shared contract, plus what only overlay has: its mount shape and whiteouts on disk. */
class OverlaySnapshotterTest extends SnapshotterContract {
    @Override
    protected Snapshotter open(Path dir) throws ImageException {
        return OverlaySnapshotter.open(dir);
    }

    @Test
    void activeSnapshotOnAParentIsAnOverlayWithUpperWorkAndLowers() throws Exception {
        layer("one", null, root -> Files.writeString(root.resolve("f"), "1"));
        layer("two", "one", root -> Files.writeString(root.resolve("g"), "2"));
        List<Mount> mounts = snapshots.prepare("c", "two");

        assertThat(mounts).singleElement().satisfies(m -> {
            assertThat(m.type()).isEqualTo("overlay");
            assertThat(m.option("upperdir")).hasValueSatisfying(u -> assertThat(u).endsWith("/fs"));
            assertThat(m.option("workdir")).hasValueSatisfying(w -> assertThat(w).endsWith("/work"));
            assertThat(m.lowerDirs()).hasSize(2);
            assertThat(m.options()).contains("index=off");
            assertThat(m.readOnly()).isFalse();
        });
        // a single-parent view needs no overlay at all
        assertThat(snapshots.view("v", "one")).singleElement()
                .satisfies(m -> assertThat(m.type()).isEqualTo("bind"));
    }

    @Test
    void deletionsAreStoredAsOverlayWhiteouts() throws Exception {
        layer("base", null, root -> {
            Files.writeString(root.resolve("gone"), "g");
            Files.createDirectories(root.resolve("d/sub"));
        });
        List<Mount> mounts = snapshots.prepare("c", "base");
        Path target = scratch.mount(mounts, "c");
        Files.delete(target.resolve("gone"));
        SnapshotCatalog.deleteTree(target.resolve("d"));
        Files.createDirectory(target.resolve("d"));
        scratch.unmount(target);

        Path upper = Path.of(mounts.getFirst().option("upperdir").orElseThrow());
        int mode = (Integer) Files.getAttribute(upper.resolve("gone"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(mode & FileNodes.S_IFMT).isEqualTo(FileNodes.S_IFCHR);
        assertThat((Long) Files.getAttribute(upper.resolve("gone"), "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isZero();
        Optional<byte[]> opaque = Xattrs.get(upper.resolve("d"), "trusted.overlay.opaque");
        assertThat(opaque).hasValue(new byte[] {'y'});
    }

    @Test
    void aLayerMadeBeforeItsParentIsCommittedOntoIt() throws Exception {
        layer("base", null, root -> {
            Files.writeString(root.resolve("keep"), "k");
            Files.writeString(root.resolve("gone"), "g");
        });
        // made without a parent, in overlay form: a whiteout for base's file, and a file of its own
        Path own = Path.of(snapshots.prepare("ahead", null).getFirst().source());
        FileNodes.mkchar(own.resolve("gone"), 0, 0, 0);
        Files.writeString(own.resolve("new"), "n");
        snapshots.commitOnto("top", "ahead", "base", java.util.Map.of());

        assertThat(snapshots.stat("top").parent()).isEqualTo("base");
        assertThat(snapshots.stat("top").kind()).isEqualTo(SnapshotKind.COMMITTED);
        Path v = scratch.mount(snapshots.view("v", "top"), "v");
        assertThat(v.resolve("keep")).hasContent("k");
        assertThat(v.resolve("new")).hasContent("n");
        assertThat(v.resolve("gone")).doesNotExist();
        // base cannot go while top stands on it
        assertThatThrownBy(() -> snapshots.remove("base")).isInstanceOf(ImageException.class)
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.CONFLICT);
    }

    @Test
    void commitOntoNeedsAParentlessActiveSnapshotAndACommittedParent() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "1"));
        snapshots.prepare("child", "base");
        snapshots.prepare("alone", null);
        snapshots.prepare("open", null);

        assertThatThrownBy(() -> snapshots.commitOnto("x", "child", "base", java.util.Map.of()))
                .hasMessageContaining("only a snapshot prepared without one can be committed onto another");
        assertThatThrownBy(() -> snapshots.commitOnto("x", "alone", "open", java.util.Map.of()))
                .hasMessageContaining("only committed snapshots can be parents");
        assertThatThrownBy(() -> snapshots.commitOnto("x", "alone", "missing", java.util.Map.of()))
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.NOT_FOUND);
        // refused commits change nothing
        assertThat(snapshots.stat("alone").kind()).isEqualTo(SnapshotKind.ACTIVE);
        assertThat(snapshots.stat("child").kind()).isEqualTo(SnapshotKind.ACTIVE);
    }
}
