package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction into a container directory, as the caller's own user (the owners in the tar are the caller's). */
class ArchiveExtractionTest {
    @TempDir
    Path dir;

    Path root;
    ContainerView view;
    int uid;
    int gid;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("dest/sub"));
        Files.createSymbolicLink(root.resolve("dest/up"), Path.of("/"));
        view = new ContainerView(root, Map.of());
        uid = (Integer) Files.getAttribute(root, "unix:uid");
        gid = (Integer) Files.getAttribute(root, "unix:gid");
    }

    @Test
    void filesDirectoriesAndLinksAreMade() throws Exception {
        byte[] tar = tar(out -> {
            dir(out, "made/", 0750);
            file(out, "made/a.txt", "a\n", 0640);
            symlink(out, "made/link", "a.txt");
            TarArchiveEntry hard = entry("made/hard", TarConstants.LF_LINK, 0640);
            hard.setLinkName("made/a.txt");
            out.putArchiveEntry(hard);
            out.closeArchiveEntry();
        });
        new ArchiveExtraction(view, "/dest", true, null).extract(new ByteArrayInputStream(tar));

        assertThat(root.resolve("dest/made/a.txt")).hasContent("a");
        assertThat(Files.getAttribute(root.resolve("dest/made/a.txt"), "unix:mode")).isEqualTo(0100640);
        assertThat(Files.getAttribute(root.resolve("dest/made"), "unix:mode")).isEqualTo(0040750);
        assertThat(Files.readSymbolicLink(root.resolve("dest/made/link"))).isEqualTo(Path.of("a.txt"));
        assertThat(Files.isSameFile(root.resolve("dest/made/hard"), root.resolve("dest/made/a.txt"))).isTrue();
    }

    @Test
    void linksLeadToTheContainersRootNeverTheHosts() throws Exception {
        byte[] tar = tar(out -> file(out, "up/etc/x", "inside\n", 0644));
        new ArchiveExtraction(view, "/dest", true, null).extract(new ByteArrayInputStream(tar));
        assertThat(root.resolve("etc/x")).hasContent("inside");
    }

    @Test
    void namesThatClimbOutAreRefused() throws Exception {
        byte[] tar = tar(out -> file(out, "sub/../../x", "x\n", 0644));
        assertThatThrownBy(() -> new ArchiveExtraction(view, "/dest", true, null)
                .extract(new ByteArrayInputStream(tar)))
                .isInstanceOf(ApiException.class).hasMessage("\"sub/../../x\" is outside of \"/dest\"");
        assertThat(root.resolve("x")).doesNotExist();
    }

    @Test
    void aDirectoryIsNotReplacedByAFileWhenAskedNotTo() throws Exception {
        byte[] tar = tar(out -> file(out, "sub", "x\n", 0644));
        assertThatThrownBy(() -> new ArchiveExtraction(view, "/dest", true, null)
                .extract(new ByteArrayInputStream(tar)))
                .hasMessage("cannot overwrite directory \"/dest/sub\" with non-directory \"sub\"");
        new ArchiveExtraction(view, "/dest", false, null).extract(new ByteArrayInputStream(tar));
        assertThat(root.resolve("dest/sub")).hasContent("x");
    }

    interface Writer {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    private static byte[] tar(Writer w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            w.write(out);
        }
        return bytes.toByteArray();
    }

    private TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode(mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        return e;
    }

    private void dir(TarArchiveOutputStream out, String name, int mode) throws IOException {
        out.putArchiveEntry(entry(name, TarConstants.LF_DIR, mode));
        out.closeArchiveEntry();
    }

    private void file(TarArchiveOutputStream out, String name, String content, int mode) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setSize(b.length);
        out.putArchiveEntry(e);
        out.write(b);
        out.closeArchiveEntry();
    }

    private void symlink(TarArchiveOutputStream out, String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
        e.setLinkName(target);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
    }
}
