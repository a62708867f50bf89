package dev.berth.daemon.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filling a volume from the image: what is copied, and that links never lead out of the root. */
class ImageDataCopyTest {
    @TempDir
    Path tmp;

    @Test
    void aLinkedMountPointIsFollowedInsideTheImageNeverOnTheHost() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("inner"));
        Files.writeString(root.resolve("inner/f"), "image");
        Files.createSymbolicLink(root.resolve("data"), Path.of("/inner"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../../etc"));
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        Path other = Files.createDirectories(tmp.resolve("other"));

        ImageDataCopy.copy(root, "/data", volume);
        ImageDataCopy.copy(root, "/up", other); // the image's /etc, which it lacks: nothing from the host's

        assertThat(volume.resolve("f")).hasContent("image");
        assertThat(other.toFile().list()).isEmpty();
    }

    @Test
    void theTreeIsCopiedWithModesLinksAndTheMountPointsOwnMode() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path data = Files.createDirectories(root.resolve("data/sub"));
        Files.writeString(data.resolve("f"), "x");
        Files.setPosixFilePermissions(data.resolve("f"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(root.resolve("data/link"), Path.of("/etc/shadow"));
        Files.setPosixFilePermissions(root.resolve("data"), PosixFilePermissions.fromString("rwxr-x---"));
        Path volume = Files.createDirectories(tmp.resolve("volume"));

        ImageDataCopy.copy(root, "/data", volume);

        assertThat(volume.resolve("sub/f")).hasContent("x");
        assertThat(Files.getPosixFilePermissions(volume.resolve("sub/f"))).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Files.readSymbolicLink(volume.resolve("link"))).isEqualTo(Path.of("/etc/shadow")); // kept as a link
        assertThat(Files.getPosixFilePermissions(volume)).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));

        // a volume with content is left alone
        Files.writeString(data.resolve("g"), "y");
        ImageDataCopy.copy(root, "/data", volume);
        assertThat(volume.resolve("sub/g")).doesNotExist();
        assertThat(Files.exists(volume.resolve("link"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
