package dev.berth.oci.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Symlinks and {@code ..} inside a rootfs never lead out of it. */
class RootfsPathTest {
    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void makeRoot() throws Exception {
        root = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        // Decoys on the host side: a resolution that escapes the rootfs would land here.
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("etc/passwd"), "host\n");
    }

    @Test
    void resolvesPlainPaths() throws Exception {
        assertThat(RootfsPath.resolve(root, "/usr/lib")).isEqualTo(root.resolve("usr/lib"));
        assertThat(RootfsPath.resolve(root, "usr//lib/./")).isEqualTo(root.resolve("usr/lib"));
        assertThat(RootfsPath.resolve(root, "/")).isEqualTo(root);
        assertThat(RootfsPath.resolve(root, "")).isEqualTo(root);
    }

    @Test
    void keepsComponentsThatDoNotExistYet() throws Exception {
        assertThat(RootfsPath.resolve(root, "/usr/lib/missing/deeper/file"))
                .isEqualTo(root.resolve("usr/lib/missing/deeper/file"));
        assertThat(RootfsPath.resolve(root, "/nope/../etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void dotDotCannotClimbAboveTheRoot() throws Exception {
        assertThat(RootfsPath.resolve(root, "/../../../etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootfsPath.resolve(root, "usr/../../..")).isEqualTo(root);
    }

    @Test
    void anAbsoluteSymlinkStartsAgainAtTheRoot() throws Exception {
        Files.createSymbolicLink(root.resolve("hostetc"), Path.of("/etc"));

        assertThat(RootfsPath.resolve(root, "/hostetc/passwd")).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void aRelativeSymlinkCannotClimbOutWithDotDots() throws Exception {
        Files.createDirectories(root.resolve("a/b"));
        Files.createSymbolicLink(root.resolve("a/b/escape"), Path.of("../../../../../../../etc"));

        assertThat(RootfsPath.resolve(root, "/a/b/escape/passwd")).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void aRelativeSymlinkResolvesFromItsOwnDirectory() throws Exception {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("../lib/busybox"));

        assertThat(RootfsPath.resolve(root, "/usr/bin/sh")).isEqualTo(root.resolve("usr/lib/busybox"));
    }

    @Test
    void followsSymlinksInTheMiddleAndAtTheEnd() throws Exception {
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(root.resolve("usr/lib/current"), Path.of("/etc"));

        assertThat(RootfsPath.resolve(root, "/lib/current/passwd")).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void dotDotAfterASymlinkGoesToTheParentOfItsTarget() throws Exception {
        Files.createSymbolicLink(root.resolve("l"), Path.of("/usr/lib"));

        // Physical, as the kernel resolves it: /l/.. is /usr, not /.
        assertThat(RootfsPath.resolve(root, "/l/..")).isEqualTo(root.resolve("usr"));
    }

    @Test
    void aSymlinkToSomethingMissingKeepsItsTarget() throws Exception {
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/does/not/exist"));

        assertThat(RootfsPath.resolve(root, "/dangling/x")).isEqualTo(root.resolve("does/not/exist/x"));
    }

    @Test
    void aFileInTheMiddleIsTreatedAsMissingBelowIt() throws Exception {
        assertThat(RootfsPath.resolve(root, "/etc/passwd/x")).isEqualTo(root.resolve("etc/passwd/x"));
    }

    @Test
    void reportsASymlinkLoop() throws Exception {
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));

        assertThatThrownBy(() -> RootfsPath.resolve(root, "/a/x"))
                .isInstanceOf(FileSystemException.class)
                .hasMessage("/a/x: too many levels of symbolic links");
    }

    @Test
    void reportsASelfLink() throws Exception {
        Files.createSymbolicLink(root.resolve("self"), Path.of("self"));

        assertThatThrownBy(() -> RootfsPath.resolve(root, "self"))
                .hasMessage("self: too many levels of symbolic links");
    }

    @Test
    void followsUpTo255LinksAndNoMore() throws Exception {
        // link0 -> link1 -> ... -> linkN -> /etc
        int limit = RootfsPath.MAX_SYMLINKS;
        Files.createDirectories(root.resolve("chain"));
        for (int i = 0; i <= limit; i++) {
            Path target = i == limit ? Path.of("/etc") : Path.of("link" + (i + 1));
            Files.createSymbolicLink(root.resolve("chain/link" + i), target);
        }

        // Starting at link1 needs exactly 255 links.
        assertThat(RootfsPath.resolve(root, "/chain/link1/passwd")).isEqualTo(root.resolve("etc/passwd"));
        // Starting at link0 needs 256.
        assertThatThrownBy(() -> RootfsPath.resolve(root, "/chain/link0/passwd"))
                .hasMessageEndingWith("too many levels of symbolic links");
    }
}
