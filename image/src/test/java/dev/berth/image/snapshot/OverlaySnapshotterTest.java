package dev.berth.image.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

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
}
