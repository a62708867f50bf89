package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Page cache advice on a real file. Residency is read with mincore(2), which
 * {@code MappedByteBuffer.isLoaded} calls. The file lives under the build directory rather than
 * in /tmp, which may be a tmpfs, whose pages have no disk to go back to and cannot be dropped.
 */
class PageCacheTest {
    private static final int SIZE = 4 << 20;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "page-cache-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Test
    void writtenBackPagesAreDroppedAndTheDataStays() throws Exception {
        byte[] data = new byte[SIZE];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("blob");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                PageCache pages = PageCache.open(file)) {
            ch.write(ByteBuffer.wrap(data));
            assertThat(resident(file)).isTrue();
            pages.startWriteBack(0, SIZE);
            ch.force(true);
            pages.drop(0, 0);
        }
        assertThat(resident(file)).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }

    @Test
    void dirtyPagesAreKeptNotLost() throws Exception {
        Path file = dir.resolve("dirty");
        Files.write(file, new byte[SIZE]);
        try (PageCache pages = PageCache.open(file)) {
            pages.drop(0, 0); // not written back yet: the kernel skips dirty pages
        }
        assertThat(resident(file)).isTrue();
        assertThat(Files.size(file)).isEqualTo(SIZE);
        assertThat(Files.readAllBytes(file)).containsOnly(0);
    }

    @Test
    void aMissingFileIsNamedAndAClosedHandleRefused() throws Exception {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> PageCache.open(missing)).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("open " + missing);
        Path file = Files.write(dir.resolve("f"), new byte[] {1});
        PageCache pages = PageCache.open(file);
        pages.close();
        pages.close(); // twice is fine
        assertThatThrownBy(() -> pages.drop(0, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private static boolean resident(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).isLoaded();
        }
    }
}
