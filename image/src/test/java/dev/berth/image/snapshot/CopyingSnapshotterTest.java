package dev.berth.image.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.linux.FileNodes;
import dev.berth.linux.FileOwners;
import dev.berth.linux.Xattrs;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The shared contract, plus the copy's fidelity: every kind of file and attribute survives. */
class CopyingSnapshotterTest extends SnapshotterContract {
    @Override
    protected Snapshotter open(Path dir) throws ImageException {
        return CopyingSnapshotter.open(dir);
    }

    @Test
    void aPreparedChildIsAFaithfulCopyOfItsParent() throws Exception {
        Instant old = Instant.parse("2020-01-02T03:04:05.123456789Z");
        layer("base", null, root -> {
            Path bin = Files.createDirectories(root.resolve("bin"));
            Path su = Files.writeString(bin.resolve("su"), "#!");
            FileOwners.lchown(su, 0, 42);
            Files.setAttribute(su, "unix:mode", 04755);
            Xattrs.set(su, "security.capability", new byte[] {1, 0, 0, 2, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0});
            Files.createLink(bin.resolve("su-again"), su);
            Files.createSymbolicLink(root.resolve("link"), Path.of("/bin/su"));
            FileNodes.mkfifo(root.resolve("fifo"), 0600);
            FileNodes.mkchar(root.resolve("null"), 0666, 1, 3);
            Files.setAttribute(bin, "unix:mode", 01777);
            dev.berth.linux.FileTimes.set(su, old, old);
            dev.berth.linux.FileTimes.set(bin, old, old);
        });
        Path c = scratch.mount(snapshots.prepare("c", "base"), "c");

        Path su = c.resolve("bin/su");
        assertThat(Files.getAttribute(su, "unix:mode")).isEqualTo(0100000 | 04755);
        assertThat(Files.getAttribute(su, "unix:gid")).isEqualTo(42);
        assertThat(Xattrs.get(su, "security.capability")).hasValueSatisfying(v -> assertThat(v[4]).isEqualTo((byte) 0x80));
        assertThat(Files.getLastModifiedTime(su).toInstant()).isEqualTo(old);
        assertThat(Files.getLastModifiedTime(c.resolve("bin")).toInstant()).isEqualTo(old);
        assertThat(Files.getAttribute(c.resolve("bin"), "unix:mode")).isEqualTo(040000 | 01777);
        assertThat(Files.isSameFile(su, c.resolve("bin/su-again"))).isTrue();
        assertThat(Files.readSymbolicLink(c.resolve("link"))).isEqualTo(Path.of("/bin/su"));
        assertThat((Integer) Files.getAttribute(c.resolve("fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS)
                & FileNodes.S_IFMT).isEqualTo(FileNodes.S_IFIFO);
        long rdev = (Long) Files.getAttribute(c.resolve("null"), "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        assertThat(FileNodes.major(rdev)).isEqualTo(1);
        assertThat(FileNodes.minor(rdev)).isEqualTo(3);
    }

    @Test
    void copiesCannotBeCommittedOntoAParentLater() throws Exception {
        layer("base", null, root -> Files.writeString(root.resolve("f"), "1"));
        snapshots.prepare("alone", null);

        assertThat(snapshots.canCommitOnto()).isFalse();
        assertThatThrownBy(() -> snapshots.commitOnto("x", "alone", "base", java.util.Map.of()))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("cannot commit a snapshot onto a parent it was not prepared on");
        assertThat(snapshots.stat("alone").kind()).isEqualTo(SnapshotKind.ACTIVE);
    }
}
