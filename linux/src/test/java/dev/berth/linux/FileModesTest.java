package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileModesTest {
    @TempDir
    Path dir;

    @Test
    void setsSpecialBits() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        FileModes.chmod(f, 06755);
        assertThat(mode(f) & 07777).isEqualTo(06755);
        Path d = Files.createDirectory(dir.resolve("d"));
        FileModes.chmod(d, 01777);
        assertThat(mode(d) & 07777).isEqualTo(01777);
    }

    @Test
    void doesNotBlockOnAFifo() throws IOException {
        Path fifo = dir.resolve("fifo");
        FileNodes.mkfifo(fifo, 0600);
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), () -> FileModes.chmod(fifo, 0640));
        assertThat(mode(fifo) & 07777).isEqualTo(0640);
    }

    @Test
    void refusesASymlinkRatherThanChangingItsTarget() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        FileModes.chmod(target, 0600);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertThatThrownBy(() -> FileModes.chmod(link, 0777))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("chmod " + link + ": operation not supported");
        assertThat(mode(target) & 07777).isEqualTo(0600);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }
}
