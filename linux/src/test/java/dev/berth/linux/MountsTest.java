package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RequiresRoot
class MountsTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("berth-mounts-");
    }

    @AfterEach
    void tearDown() throws IOException {
        List<MountInfo> left = MountInfo.under(dir);
        for (int i = left.size() - 1; i >= 0; i--) {
            Mounts.unmount(left.get(i).mountPoint(), Mounts.MNT_DETACH);
        }
        assertThat(MountInfo.under(dir)).isEmpty();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void bindMountShowsTheSourceAndUnmountHidesIt() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path dst = Files.createDirectories(dir.resolve("dst"));
        Files.writeString(src.resolve("hello"), "hi");

        Mounts.mount(src.toString(), dst, null, Mounts.MS_BIND, null);
        assertThat(MountInfo.isMountPoint(dst)).isTrue();
        assertThat(Files.readString(dst.resolve("hello"))).isEqualTo("hi");

        Mounts.unmount(dst, 0);
        assertThat(MountInfo.isMountPoint(dst)).isFalse();
        assertThat(dst.resolve("hello")).doesNotExist();
    }

    @Test
    void readOnlyRemountRefusesWrites() throws IOException {
        Path dst = Files.createDirectories(dir.resolve("ro"));
        Mounts.mount("tmpfs", dst, "tmpfs", 0, "size=1m,mode=755");
        Files.writeString(dst.resolve("before"), "x");
        Mounts.mount(null, dst, null, Mounts.MS_REMOUNT | Mounts.MS_RDONLY, null);

        assertThatThrownBy(() -> Files.writeString(dst.resolve("after"), "y"))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("Read-only file system");
        assertThat(MountInfo.under(dst).getFirst().mountOptions()).startsWith("ro");
    }

    @Test
    void failureNamesTheMountAndTheCause() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> Mounts.mount("tmpfs", missing, "tmpfs", 0, null))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("mount tmpfs on " + missing + ": no such file or directory")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOENT));
        assertThatThrownBy(() -> Mounts.unmount(dir, 0))
                .hasMessage("umount " + dir + ": invalid argument");
    }

    @Test
    void mountFromResolvesRelativeLowerdirsWithoutMovingTheProcess() throws IOException {
        Path cwdBefore = Files.readSymbolicLink(Path.of("/proc/self/cwd"));
        Path base = Files.createDirectories(dir.resolve("layers"));
        List<String> lowers = new ArrayList<>();
        // 300 lower layers: far beyond one page with absolute paths, easy with short relative ones
        for (int i = 0; i < 300; i++) {
            Path fs = Files.createDirectories(base.resolve(i + "/fs"));
            Files.writeString(fs.resolve("layer-" + i), Integer.toString(i));
            Files.writeString(fs.resolve("top"), Integer.toString(i));
            lowers.addFirst(i + "/fs");
        }
        Path merged = Files.createDirectories(dir.resolve("merged"));
        String data = "lowerdir=" + String.join(":", lowers);
        assertThat(data.length()).isLessThan(Mounts.MAX_DATA_LENGTH);
        assertThat(absoluteLength(base, lowers)).isGreaterThan(Mounts.MAX_DATA_LENGTH);

        Mounts.mountFrom(base, "overlay", merged, "overlay", Mounts.MS_RDONLY, data);

        assertThat(Files.readString(merged.resolve("layer-0"))).isEqualTo("0");
        assertThat(Files.readString(merged.resolve("layer-299"))).isEqualTo("299");
        assertThat(Files.readString(merged.resolve("top"))).isEqualTo("299");
        assertThat(Files.readSymbolicLink(Path.of("/proc/self/cwd"))).isEqualTo(cwdBefore);
    }

    @Test
    void mountFromReportsTheFailureOfTheMountThread() throws IOException {
        Path merged = Files.createDirectories(dir.resolve("merged"));
        assertThatThrownBy(() -> Mounts.mountFrom(dir.resolve("nope"), "overlay", merged, "overlay", 0,
                "lowerdir=a:b"))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("chdir " + dir.resolve("nope") + ": no such file or directory");
        assertThatThrownBy(() -> Mounts.mountFrom(dir, "overlay", Path.of("relative"), "overlay", 0, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int absoluteLength(Path base, List<String> lowers) {
        return lowers.stream().mapToInt(l -> base.resolve(l).toString().length() + 1).sum();
    }
}
