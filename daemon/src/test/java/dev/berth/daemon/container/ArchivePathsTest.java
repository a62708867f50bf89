package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pieces of the path stat that the docker CLI reads: Go's mode bits and the name. */
class ArchivePathsTest {
    @Test
    void modesAreGoFileModes() {
        assertThat(ContainerArchive.goMode(0040755)).isEqualTo((1L << 31) | 0755);
        assertThat(ContainerArchive.goMode(0120777)).isEqualTo((1L << 27) | 0777);
        assertThat(ContainerArchive.goMode(0100644)).isEqualTo(0644);
        assertThat(ContainerArchive.goMode(0104755)).isEqualTo((1L << 23) | 0755);
        assertThat(ContainerArchive.goMode(0041777)).isEqualTo((1L << 31) | (1L << 20) | 0777);
        assertThat(ContainerArchive.goMode(0020666)).isEqualTo((1L << 26) | (1L << 21) | 0666);
        assertThat(ContainerArchive.goMode(0010600)).isEqualTo((1L << 25) | 0600);
    }

    @Test
    void namesAreGosBaseOfTheAbsolutePath() {
        assertThat(ContainerArchive.baseName("/etc/hostname")).isEqualTo("hostname");
        assertThat(ContainerArchive.baseName("etc/")).isEqualTo("etc");
        assertThat(ContainerArchive.baseName("/etc/.")).isEqualTo(".");
        assertThat(ContainerArchive.baseName("/")).isEqualTo("/");
        assertThat(ContainerArchive.baseName("/../..")).isEqualTo("/");
    }
}
