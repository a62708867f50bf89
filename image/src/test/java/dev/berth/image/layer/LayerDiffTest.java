package dev.berth.image.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.image.snapshot.Scratch;
import dev.berth.linux.FileNodes;
import dev.berth.linux.Xattrs;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RequiresRoot
class LayerDiffTest {
    private static final String LONG = "deep/" + "x".repeat(120) + "/file-with-a-name-past-the-ustar-limit";

    private Scratch scratch;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Scratch.create("berth-diff-");
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    /** Everything a layer can carry, whiteouts and an opaque directory included. */
    static byte[] everything() throws Exception {
        return new TarBuilder()
                .dir("bin")
                .rawPax(Map.of("SCHILY.xattr.security.capability", LayerApplierTest.CAPS))
                .file("bin/newuidmap", "elf", 04755, e -> {})
                .hardlink("bin/newuidmap-again", "bin/newuidmap")
                .file("bin/owned", "o", 0600, e -> e.setIds(3_000_000, 4_000_000))
                .symlink("lib", "usr/lib/")
                .device("dev/null", TarConstants.LF_CHR, 0666, 1, 3)
                .device("dev/sda", TarConstants.LF_BLK, 0660, 8, 0)
                .fifo("dev/initctl", 0600)
                .dir("tmp", 01777, e -> {})
                .file("ünïcødé", "u")
                .file(LONG, "long")
                .whiteout("", "gone")
                .dir("etc")
                .whiteout("etc", "shadow")
                .dir("var/cache")
                .opaque("var/cache")
                .file("var/cache/fresh", "f", 0644, e -> e.addPaxHeader("SCHILY.xattr.user.origin", "test"))
                .tar();
    }

    @Test
    void anUpperDirectoryRoundTrips() throws Exception {
        Path first = scratch.dir("first");
        new LayerApplier(WhiteoutMode.OVERLAY).apply(new ByteArrayInputStream(everything()), first);
        pinWhiteoutTimes(first);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerDigest written = LayerDiff.writeOverlay(first, out);
        byte[] tar = out.toByteArray();
        assertThat(written.diffId()).isEqualTo(Digest.of(tar));
        assertThat(written.size()).isEqualTo(tar.length);

        Path second = scratch.dir("second");
        LayerDigest applied = new LayerApplier(WhiteoutMode.OVERLAY).apply(new ByteArrayInputStream(tar), second);
        pinWhiteoutTimes(second);
        assertThat(applied).isEqualTo(written);
        assertThat(TreeState.of(second)).isEqualTo(TreeState.of(first));
        assertThat(Xattrs.get(second.resolve("bin/newuidmap"), "security.capability")).hasValue(LayerApplierTest.CAPS);

        // the same tree gives the same bytes
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(LayerDiff.writeOverlay(second, again)).isEqualTo(written);
    }

    /**
     * The applier makes a whiteout device when it applies the layer, at that time: a whiteout
     * entry carries no time for it. Two applies on either side of a second's boundary made the
     * trees differ there (a flake), so both trees' whiteouts get one fixed time.
     */
    private static void pinWhiteoutTimes(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
                if ((mode & FileNodes.S_IFMT) == FileNodes.S_IFCHR && rdev == 0) {
                    Files.setLastModifiedTime(p, FileTime.from(TarBuilder.T0));
                }
            }
        }
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesBecomeOciEntries() throws Exception {
        Path upper = scratch.dir("upper");
        new LayerApplier(WhiteoutMode.OVERLAY).apply(new ByteArrayInputStream(everything()), upper);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerDiff.writeOverlay(upper, out);

        List<String> names = new ArrayList<>();
        try (LayerTarInputStream in = new LayerTarInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                if (e.getName().equals("bin/newuidmap-again")) {
                    assertThat(e.isLink()).isTrue();
                    assertThat(e.getLinkName()).isEqualTo("bin/newuidmap");
                }
                if (e.getName().equals("bin/owned")) {
                    assertThat(e.getLongUserId()).isEqualTo(3_000_000);
                }
            }
        }
        assertThat(names).contains(".wh.gone", "etc/.wh.shadow", "var/cache/", "var/cache/.wh..wh..opq", LONG,
                "ünïcødé");
        assertThat(names).containsSubsequence("var/cache/", "var/cache/.wh..wh..opq", "var/cache/fresh");
        assertThat(names).containsSubsequence(".wh.gone", "bin/");
        assertThat(names).doesNotContain("gone", "etc/shadow");
    }

    @Test
    void gnuTarReadsWhatLayerDiffWrites() throws Exception {
        Path upper = scratch.dir("upper");
        new LayerApplier(WhiteoutMode.OVERLAY).apply(new ByteArrayInputStream(everything()), upper);
        Path tar = scratch.root().resolve("diff.tar");
        try (var out = Files.newOutputStream(tar)) {
            LayerDiff.writeOverlay(upper, out);
        }
        Path extracted = scratch.dir("gnu");
        LayerApplierTest.run("tar", "--xattrs", "--xattrs-include=*", "-C", extracted.toString(), "-xpf",
                tar.toString());
        assertThat(extracted.resolve(LONG)).hasContent("long");
        assertThat(extracted.resolve("ünïcødé")).hasContent("u");
        assertThat(Xattrs.get(extracted.resolve("bin/newuidmap"), "security.capability"))
                .hasValue(LayerApplierTest.CAPS);
        assertThat(Files.getAttribute(extracted.resolve("bin/owned"), "unix:uid")).isEqualTo(3_000_000);
        assertThat(extracted.resolve(".wh.gone")).exists();
    }
}
