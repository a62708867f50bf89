package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNodesTest {
    @TempDir
    Path dir;

    @Test
    void devEncodingMatchesGlibc() {
        assertThat(FileNodes.makedev(0, 0)).isZero();
        assertThat(FileNodes.makedev(1, 3)).isEqualTo(0x103);
        assertThat(FileNodes.makedev(259, 65536)).isEqualTo(0x10010300L);
        long big = FileNodes.makedev(0x12345, 0x6789a);
        assertThat(FileNodes.major(big)).isEqualTo(0x12345);
        assertThat(FileNodes.minor(big)).isEqualTo(0x6789a);
    }

    @Test
    @RequiresRoot
    void whiteoutIsACharacterDeviceZeroZero() throws IOException {
        Path w = dir.resolve("gone");
        FileNodes.mkchar(w, 0, 0, 0);
        assertThat(mode(w) & FileNodes.S_IFMT).isEqualTo(FileNodes.S_IFCHR);
        assertThat((Long) Files.getAttribute(w, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isZero();
    }

    @Test
    @RequiresRoot
    void blockDeviceKeepsItsNumbers() throws IOException {
        Path b = dir.resolve("loop7");
        FileNodes.mkblock(b, 0660, 7, 7);
        assertThat(mode(b) & FileNodes.S_IFMT).isEqualTo(FileNodes.S_IFBLK);
        long rdev = (Long) Files.getAttribute(b, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        assertThat(FileNodes.major(rdev)).isEqualTo(7);
        assertThat(FileNodes.minor(rdev)).isEqualTo(7);
    }

    @Test
    void fifoNeedsNoRootAndExistingPathFails() throws IOException {
        Path f = dir.resolve("pipe");
        FileNodes.mkfifo(f, 0600);
        assertThat(mode(f) & FileNodes.S_IFMT).isEqualTo(FileNodes.S_IFIFO);
        assertThatThrownBy(() -> FileNodes.mkfifo(f, 0600))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("mknod " + f + ": file exists");
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void symlinkKeepsItsTextByteForByte() throws IOException {
        Path link = dir.resolve("lib");
        FileNodes.symlink("usr//lib/", link);
        assertThat(Files.readSymbolicLink(link).toString()).isEqualTo("usr//lib/");
        assertThatThrownBy(() -> FileNodes.symlink("x", link))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("symlink " + link + ": file exists");
    }
}
