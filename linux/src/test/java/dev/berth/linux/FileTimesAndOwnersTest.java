package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTimesAndOwnersTest {
    @TempDir
    Path dir;

    @Test
    void setsTheSymlinksOwnTimesWithNanoseconds() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("target"));
        FileTime targetBefore = Files.getLastModifiedTime(target);
        Instant when = Instant.parse("2001-02-03T04:05:06.123456789Z");

        FileTimes.set(link, when, when);

        assertThat(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant()).isEqualTo(when);
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(targetBefore);
    }

    @Test
    void nullLeavesATimeAlone() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        Instant access = Instant.parse("2010-01-01T00:00:00Z");
        FileTimes.set(f, access, Instant.parse("2011-01-01T00:00:00Z"));
        FileTimes.set(f, null, Instant.parse("2012-01-01T00:00:00Z"));
        assertThat(((FileTime) Files.getAttribute(f, "lastAccessTime")).toInstant()).isEqualTo(access);
        assertThat(Files.getLastModifiedTime(f).toInstant()).isEqualTo(Instant.parse("2012-01-01T00:00:00Z"));
    }

    @Test
    @RequiresRoot
    void lchownChangesTheLinkNotItsTarget() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        FileOwners.lchown(link, 1234, 5678);
        assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1234);
        assertThat(Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(5678);
        assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(0);
        FileOwners.lchown(target, 4000000000L, -1);
        assertThat(Integer.toUnsignedLong((Integer) Files.getAttribute(target, "unix:uid"))).isEqualTo(4000000000L);
        assertThat(Files.getAttribute(target, "unix:gid")).isEqualTo(0);
    }
}
