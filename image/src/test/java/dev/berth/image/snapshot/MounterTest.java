package dev.berth.image.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.linux.Mounts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Option parsing and lowerdir compaction, without mounting anything. */
class MounterTest {
    @Test
    void flagsAreSeparatedFromFilesystemData() {
        Mounter.Parsed p = Mounter.parse(new Mount("overlay", "overlay",
                List.of("ro", "nosuid", "index=off", "lowerdir=/a:/b", "nodev", "rw")));
        assertThat(p.flags()).isEqualTo(Mounts.MS_NOSUID | Mounts.MS_NODEV);
        assertThat(p.data()).isEqualTo("index=off,lowerdir=/a:/b");

        Mounter.Parsed bind = Mounter.parse(Mount.bind("/x", true));
        assertThat(bind.flags()).isEqualTo(Mounts.MS_BIND | Mounts.MS_REC | Mounts.MS_RDONLY);
        assertThat(bind.data()).isEmpty();
    }

    @Test
    void longLowerdirIsRewrittenRelativeToTheCommonParent() throws ImageException {
        List<String> lowers = new ArrayList<>();
        for (int i = 400; i > 0; i--) {
            lowers.add("/var/lib/berth/snapshots/" + i + "/fs");
        }
        List<String> options = List.of("index=off", "workdir=/var/lib/berth/snapshots/401/work",
                "upperdir=/var/lib/berth/snapshots/401/fs", "lowerdir=" + String.join(":", lowers), "nodev");
        String data = Mounter.parse(new Mount("overlay", "overlay", options)).data();
        assertThat(data.length()).isGreaterThan(Mounts.MAX_DATA_LENGTH);

        Mounter.Compacted c = Mounter.compact(options, data);
        assertThat(c.dir()).isEqualTo(Path.of("/var/lib/berth/snapshots"));
        assertThat(c.data()).startsWith("index=off,workdir=/var/lib/berth/snapshots/401/work,"
                + "upperdir=/var/lib/berth/snapshots/401/fs,lowerdir=400/fs:399/fs:");
        assertThat(c.data()).endsWith(":2/fs:1/fs").doesNotContain("nodev");
        assertThat(c.data().length()).isLessThan(Mounts.MAX_DATA_LENGTH);
    }

    @Test
    void tooManyLayersEvenWhenCompactedIsAClearError() {
        List<String> lowers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            lowers.add("/s/" + "x".repeat(20) + i + "/fs");
        }
        List<String> options = List.of("lowerdir=" + String.join(":", lowers));
        assertThatThrownBy(() -> Mounter.compact(options, options.getFirst()))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("overlay of 400 layers does not fit in one mount:");
    }

    @Test
    void readOnlyFollowsTheLastFlagAndOverlaysWithoutUpper() {
        assertThat(new Mount("bind", "/x", List.of("ro", "rw")).readOnly()).isFalse();
        assertThat(new Mount("overlay", "overlay", List.of("lowerdir=/a:/b")).readOnly()).isTrue();
        assertThat(new Mount("overlay", "overlay", List.of("upperdir=/u", "workdir=/w", "lowerdir=/a")).readOnly())
                .isFalse();
        assertThat(new Mount("overlay", "overlay", List.of("lowerdir=/a:/b")).lowerDirs()).containsExactly("/a", "/b");
    }
}
