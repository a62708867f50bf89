package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountInfoTest {
    @Test
    void parsesOptionalFieldsAndEscapes() {
        MountInfo m = MountInfo.parse("36 35 98:0 /mnt1 /mnt\\0402 rw,noatime master:1 shared:2 - overlay overlay "
                + "rw,lowerdir=a:b,upperdir=/u\\134x");
        assertThat(m.id()).isEqualTo(36);
        assertThat(m.parentId()).isEqualTo(35);
        assertThat(m.root()).isEqualTo("/mnt1");
        assertThat(m.mountPoint()).isEqualTo(Path.of("/mnt 2"));
        assertThat(m.mountOptions()).isEqualTo("rw,noatime");
        assertThat(m.fsType()).isEqualTo("overlay");
        assertThat(m.source()).isEqualTo("overlay");
        assertThat(m.superOptions()).isEqualTo("rw,lowerdir=a:b,upperdir=/u\\x");
    }

    @Test
    void readsThisProcessesMounts() throws IOException {
        assertThat(MountInfo.read()).anySatisfy(m -> assertThat(m.mountPoint()).isEqualTo(Path.of("/")));
        assertThat(MountInfo.under(Path.of("/proc"))).anySatisfy(m -> assertThat(m.fsType()).isEqualTo("proc"));
    }
}
