package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which host paths a copy sees at which container paths, and where it may write. */
class ArchiveMountsTest {
    @TempDir
    Path dir;

    Path rootfs;
    Path volumes;
    Path hostsFile;
    VolumeResolver resolver;

    @BeforeEach
    void tree() throws Exception {
        rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("scratch"));
        Files.writeString(rootfs.resolve("scratch/under"), "under the tmpfs\n");
        volumes = Files.createDirectories(dir.resolve("volumes"));
        for (String v : List.of("named", "anon", "shared")) {
            Files.createDirectories(volumes.resolve(v).resolve("_data/sub"));
        }
        Files.createDirectories(dir.resolve("host-dir"));
        hostsFile = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        resolver = new VolumeResolver() {
            @Override
            public List<MountPoint> attach(String id, List<MountPoint> requested, List<String> volumesFrom, Path root) {
                throw new AssertionError("a copy never attaches volumes");
            }

            @Override
            public Path hostPath(String name) {
                return volumes.resolve(name).resolve("_data");
            }
        };
    }

    private static MountPoint point(String type, String source, String destination, boolean writable, String subpath) {
        return new MountPoint(destination, type, source, writable, null, false, "", subpath, false, "", false);
    }

    private ArchiveMounts mounts(boolean readonlyRootfs) {
        return new ArchiveMounts(List.of(
                point("volume", "named", "/data", true, null),
                point("volume", "anon", "/var/lib/anon", true, null),
                point("volume", "shared", "/sub", false, "sub"),
                point("bind", dir.resolve("host-dir").toString(), "/data/inner", false, null),
                point("tmpfs", null, "/scratch", true, null)),
                Map.of("hosts", hostsFile), readonlyRootfs, resolver);
    }

    @Test
    void volumesAreSeenAtTheirDestinationsAndATmpfsShowsWhatIsUnderIt() throws Exception {
        ContainerView view = mounts(false).view(rootfs);
        assertThat(view.resolve("/data/x", false, false).hostPath()).isEqualTo(volumes.resolve("named/_data/x"));
        assertThat(view.resolve("/sub", true, false).hostPath()).isEqualTo(volumes.resolve("shared/_data/sub"));
        assertThat(view.resolve("/data/inner/y", false, false).hostPath()).isEqualTo(dir.resolve("host-dir/y"));
        assertThat(view.resolve("/etc/hosts", false, false).hostPath()).isEqualTo(hostsFile);
        assertThat(view.resolve("/scratch/under", false, false).hostPath()).isEqualTo(rootfs.resolve("scratch/under"));
    }

    @Test
    void aMountPointTheRuntimeHasNotMadeYetIsStillReached() throws Exception {
        // /var and /var/lib are not in the root filesystem: the volume below them is
        ContainerView view = mounts(false).view(rootfs);
        assertThat(view.resolve("/var/lib/anon/f", false, false).hostPath()).isEqualTo(volumes.resolve("anon/_data/f"));
        assertThatThrownBy(() -> view.resolve("/var/other/f", false, false))
                .isInstanceOfSatisfying(ContainerView.Unresolvable.class, u -> assertThat(u.missing).isTrue());
    }

    @Test
    void aMountAtANetworkFilesPlaceWinsOverTheDaemonsFile() throws Exception {
        Path mine = Files.writeString(dir.resolve("my-hosts"), "mine\n");
        ArchiveMounts m = new ArchiveMounts(List.of(point("bind", mine.toString(), "/etc/hosts", true, null)),
                Map.of("hosts", hostsFile), false, resolver);
        assertThat(m.view(rootfs).resolve("/etc/hosts", false, false).hostPath()).isEqualTo(mine);
    }

    @Test
    void theInnermostMountDecidesWhetherACopyMayWrite() {
        ArchiveMounts m = mounts(true);
        assertThatCode(() -> m.checkWritable("/data")).doesNotThrowAnyException();
        assertThatCode(() -> m.checkWritable("/data/deeper")).doesNotThrowAnyException();
        assertReadOnly(() -> m.checkWritable("/data/inner/x"), "mounted volume is marked read-only");
        assertReadOnly(() -> m.checkWritable("/sub"), "mounted volume is marked read-only");
        // outside every volume (/subway is not under /sub), and a tmpfs is not one: the read-only root decides
        assertReadOnly(() -> m.checkWritable("/subway"), "container rootfs is marked read-only");
        assertReadOnly(() -> m.checkWritable("/scratch"), "container rootfs is marked read-only");
        assertReadOnly(() -> m.checkWritable("/etc"), "container rootfs is marked read-only");
        assertThatCode(() -> mounts(false).checkWritable("/etc")).doesNotThrowAnyException();
    }

    @Test
    void aVolumeWithoutANameIsNotSeen() throws Exception {
        ArchiveMounts m = new ArchiveMounts(List.of(point("volume", null, "/data", true, null)), Map.of(), false,
                resolver);
        assertThat(m.mounts()).isEmpty();
        assertThat(m.view(rootfs).resolve("/data", false, false).hostPath()).isEqualTo(rootfs.resolve("data"));
    }

    @Test
    void aMountWhoseDestinationGoesThroughALinkInTheImageIsWhereTheRuntimeMountsIt() throws Exception {
        Files.createDirectories(rootfs.resolve("run"));
        Files.createDirectories(rootfs.resolve("var"));
        Files.createSymbolicLink(rootfs.resolve("var/run"), Path.of("/run"));
        ArchiveMounts m = new ArchiveMounts(ArchiveMounts.inRootfs(List.of(point("volume", "named", "/var/run/x", false,
                null), point("volume", "anon", "/data", true, null)), rootfs), Map.of(), false, resolver);
        ContainerView view = m.view(rootfs);

        assertThat(view.resolve("/var/run/x/f", false, false).hostPath()).isEqualTo(volumes.resolve("named/_data/f"));
        assertThat(view.resolve("/run/x/f", false, false).hostPath()).isEqualTo(volumes.resolve("named/_data/f"));
        assertThat(view.resolve("/data/f", false, false).hostPath()).isEqualTo(volumes.resolve("anon/_data/f"));
        assertReadOnly(() -> m.checkWritable(view.resolve("/var/run/x", true, false).containerPath()),
                "mounted volume is marked read-only");
    }

    @Test
    void aLinkOutOfTheRootfsStaysInsideWhenADestinationIsResolved() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("up"), Path.of("../../.."));
        assertThat(ArchiveMounts.inRootfs(List.of(point("volume", "named", "/up/etc/x", true, null)), rootfs))
                .extracting(MountPoint::destination).containsExactly("/etc/x");
    }

    private static void assertReadOnly(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
