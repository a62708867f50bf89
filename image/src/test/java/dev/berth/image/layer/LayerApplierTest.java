package dev.berth.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Scratch;
import dev.berth.linux.FileNodes;
import dev.berth.linux.Xattrs;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RequiresRoot
class LayerApplierTest {
    /** A v2 capability set: cap_setuid and cap_net_raw permitted and effective. 0x80 is not UTF-8. */
    static final byte[] CAPS = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private Scratch scratch;
    private Path root;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Scratch.create("berth-layer-");
        root = scratch.dir("root");
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    @Test
    void restoresEveryFileTypeAndAttribute() throws Exception {
        Instant nanos = Instant.parse("2022-02-03T04:05:06.1234567Z"); // Commons Compress writes 100 ns
        byte[] tar = new TarBuilder()
                .dir("bin", 0750, e -> e.setIds(1000, 1001))
                .rawPax(Map.of("SCHILY.xattr.security.capability", CAPS))
                .file("bin/ping", "elf", 04755, e -> e.setIds(0, 42))
                .file("bin/note", "n", 0640, e -> {
                    e.addPaxHeader("SCHILY.xattr.user.note", "plain text");
                    e.setLastModifiedTime(FileTime.from(nanos));
                })
                .hardlink("bin/ping6", "bin/ping")
                .symlink("lib", "usr//lib/")
                .device("dev/null", TarConstants.LF_CHR, 0666, 1, 3)
                .device("dev/loop7", TarConstants.LF_BLK, 0660, 7, 7)
                .fifo("run/initctl", 0600)
                .dir("tmp", 01777, e -> {})
                .dir("srv", 02775, e -> e.setIds(0, 50))
                .tar();

        LayerDigest d = new LayerApplier(WhiteoutMode.REMOVE).apply(new ByteArrayInputStream(tar), root);
        assertThat(d.diffId()).isEqualTo(Digest.of(tar));
        assertThat(d.size()).isEqualTo(tar.length);

        Path ping = root.resolve("bin/ping");
        assertThat(Files.readString(ping)).isEqualTo("elf");
        assertThat(mode(ping)).isEqualTo(0100000 | 04755);
        assertThat(Files.getAttribute(ping, "unix:gid")).isEqualTo(42);
        assertThat(Xattrs.get(ping, "security.capability")).hasValue(CAPS);
        assertThat(Files.getLastModifiedTime(ping).toInstant()).isEqualTo(TarBuilder.T0);
        assertThat(Files.isSameFile(ping, root.resolve("bin/ping6"))).isTrue();
        assertThat(Xattrs.get(root.resolve("bin/note"), "user.note")).hasValue("plain text".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.getLastModifiedTime(root.resolve("bin/note")).toInstant()).isEqualTo(nanos);

        Path bin = root.resolve("bin");
        assertThat(mode(bin)).isEqualTo(040000 | 0750);
        assertThat(Files.getAttribute(bin, "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(bin, "unix:gid")).isEqualTo(1001);
        // set after ping, note and ping6 were created in it
        assertThat(Files.getLastModifiedTime(bin).toInstant()).isEqualTo(TarBuilder.T0);

        assertThat(Files.readSymbolicLink(root.resolve("lib")).toString()).isEqualTo("usr//lib/");
        assertThat(Files.getLastModifiedTime(root.resolve("lib"), LinkOption.NOFOLLOW_LINKS).toInstant())
                .isEqualTo(TarBuilder.T0);
        assertDevice(root.resolve("dev/null"), FileNodes.S_IFCHR, 1, 3, 0666);
        assertDevice(root.resolve("dev/loop7"), FileNodes.S_IFBLK, 7, 7, 0660);
        assertThat(mode(root.resolve("run/initctl"))).isEqualTo(FileNodes.S_IFIFO | 0600);
        assertThat(mode(root.resolve("tmp"))).isEqualTo(040000 | 01777);
        assertThat(mode(root.resolve("srv"))).isEqualTo(040000 | 02775);
        // parents the tar did not list are made 0755 and root-owned, as Docker does
        assertThat(mode(root.resolve("dev"))).isEqualTo(040000 | 0755);
    }

    @Test
    void overlayFormTurnsWhiteoutsIntoDevicesAndXattrs() throws Exception {
        byte[] tar = new TarBuilder()
                .whiteout("", "gone")
                .dir("d")
                .opaque("d")
                .file("d/new", "n")
                .file("same-layer", "kept")
                .whiteout("", "same-layer")
                .whiteout("", "replaced")
                .dir("replaced")
                .file("replaced/inside", "i")
                .file(".wh..wh.plnk/ignored", "aufs")
                .tar();
        new LayerApplier(WhiteoutMode.OVERLAY).apply(new ByteArrayInputStream(tar), root);

        assertDevice(root.resolve("gone"), FileNodes.S_IFCHR, 0, 0, 0);
        assertThat(Xattrs.get(root.resolve("d"), "trusted.overlay.opaque")).hasValue(new byte[] {'y'});
        assertThat(root.resolve("d/new")).hasContent("n");
        assertThat(root.resolve("d/.wh..wh..opq")).doesNotExist();
        assertThat(root.resolve("same-layer")).hasContent("kept");
        // ".wh.replaced" then "replaced/": a new directory that hides the old one
        assertThat(root.resolve("replaced")).isDirectory();
        assertThat(Xattrs.get(root.resolve("replaced"), "trusted.overlay.opaque")).hasValue(new byte[] {'y'});
        assertThat(names(root)).doesNotContain(".wh.gone", ".wh..wh.plnk");
    }

    @Test
    void removeFormDeletesWhatLowerLayersHad() throws Exception {
        byte[] lower = new TarBuilder()
                .file("gone", "g")
                .dir("d")
                .file("d/old", "o")
                .dir("d/sub")
                .file("d/sub/old", "o")
                .file("d/sub/kept-below", "o")
                .file("keep", "k")
                .tar();
        // the opaque marker comes last here: it still applies to the lower layer only
        byte[] upper = new TarBuilder()
                .whiteout("", "gone")
                .file("d/new", "n")
                .file("d/sub/added", "a")
                .opaque("d")
                .tar();
        LayerApplier applier = new LayerApplier(WhiteoutMode.REMOVE);
        applier.apply(new ByteArrayInputStream(lower), root);
        applier.apply(new ByteArrayInputStream(upper), root);

        assertThat(root.resolve("gone")).doesNotExist();
        assertThat(root.resolve("keep")).hasContent("k");
        assertThat(names(root.resolve("d"))).containsExactlyInAnyOrder("new", "sub");
        assertThat(names(root.resolve("d/sub"))).containsExactly("added");
    }

    @Test
    void compressionIsDetectedFromTheBytes() throws Exception {
        byte[] tar = new TarBuilder().file("hello", "world").tar();
        Digest expected = Digest.of(tar);
        for (byte[] blob : new byte[][] {tar, TarBuilder.gzip(tar), TarBuilder.zstd(tar), concat(
                TarBuilder.gzip(Arrays.copyOf(tar, 1000)), TarBuilder.gzip(Arrays.copyOfRange(tar, 1000, tar.length)))}) {
            Path dir = scratch.dir("c" + Arrays.hashCode(blob));
            LayerDigest d = new LayerApplier(WhiteoutMode.REMOVE).apply(new ByteArrayInputStream(blob), dir);
            assertThat(d.diffId()).isEqualTo(expected);
            assertThat(d.size()).isEqualTo(tar.length);
            assertThat(dir.resolve("hello")).hasContent("world");
        }
    }

    @Test
    void theDiffIdCoversPaddingAfterTheEndOfArchive() throws Exception {
        byte[] tar = concat(new TarBuilder().file("a", "a").tar(), new byte[10240]);
        LayerDigest d = new LayerApplier(WhiteoutMode.REMOVE).apply(new ByteArrayInputStream(tar), root);
        assertThat(d.diffId()).isEqualTo(Digest.of(tar));
        assertThat(d.size()).isEqualTo(tar.length);
    }

    @Test
    void badStreamsAreRefusedWithTheRightKind() throws Exception {
        LayerApplier applier = new LayerApplier(WhiteoutMode.REMOVE);
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2};
        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(xz), root))
                .hasMessage("layer is xz-compressed: only gzip and zstd layers are supported");

        byte[] gz = TarBuilder.gzip(new TarBuilder().file("big", "x".repeat(100_000)).tar());
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(truncated), scratch.dir("t")))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("layer is not a valid tar stream: ")
                .satisfies(e -> assertThat(((ImageException) e).kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT));

        InputStream dying = new InputStream() {
            int left = 700;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    throw new IOException("connection reset");
                }
                left--;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    throw new IOException("connection reset");
                }
                int n = Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        assertThatThrownBy(() -> applier.apply(new java.io.SequenceInputStream(
                new ByteArrayInputStream(new TarBuilder().file("f", "f").tar(), 0, 512), dying), scratch.dir("d")))
                .hasMessage("read layer: connection reset")
                .satisfies(e -> assertThat(((ImageException) e).kind()).isEqualTo(ImageException.Kind.UNAVAILABLE));

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(new TarBuilder().file(".wh.", "").tar()),
                scratch.dir("w")))
                .hasMessage("layer entry .wh.: whiteout names nothing to delete");
    }

    @Test
    void aMissingHardLinkTargetNamesTheEntry() throws Exception {
        byte[] tar = new TarBuilder().hardlink("a", "nowhere").tar();
        assertThatThrownBy(() -> new LayerApplier(WhiteoutMode.OVERLAY).apply(new ByteArrayInputStream(tar), root))
                .hasMessage("layer entry a: hard link to nowhere: no such file in the layer");
    }

    @Test
    void gnuTarsBinaryXattrsAndLongNamesComeThrough() throws Exception {
        Path src = scratch.dir("src");
        String longName = "d/" + "n".repeat(150);
        Files.createDirectories(src.resolve("d"));
        Path f = Files.writeString(src.resolve(longName), "long");
        Xattrs.set(f, "security.capability", CAPS);
        Files.createLink(src.resolve("d/link"), f);
        Path tar = scratch.root().resolve("gnu.tar");
        run("tar", "--xattrs", "--xattrs-include=*", "--format=posix", "-C", src.toString(), "-cf", tar.toString(), ".");

        try (InputStream in = Files.newInputStream(tar)) {
            new LayerApplier(WhiteoutMode.REMOVE).apply(in, root);
        }
        assertThat(root.resolve(longName)).hasContent("long");
        assertThat(Xattrs.get(root.resolve(longName), "security.capability")).hasValue(CAPS);
        assertThat(Files.isSameFile(root.resolve(longName), root.resolve("d/link"))).isTrue();
    }

    @Test
    void sparseFilesFromGnuTarAreExpanded() throws Exception {
        Path src = scratch.dir("sparse-src");
        Path sparse = src.resolve("disk.img");
        try (var ch = java.nio.channels.FileChannel.open(sparse, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("head".getBytes(StandardCharsets.US_ASCII)), 0);
            ch.write(java.nio.ByteBuffer.wrap("tail".getBytes(StandardCharsets.US_ASCII)), 3 * 1024 * 1024);
        }
        byte[] expected = Files.readAllBytes(sparse);
        for (String format : new String[] {"gnu", "posix"}) {
            Path tar = scratch.root().resolve(format + ".tar");
            run("tar", "--sparse", "--format=" + format, "-C", src.toString(), "-cf", tar.toString(), "disk.img");
            Path dir = scratch.dir("sparse-" + format);
            try (InputStream in = Files.newInputStream(tar)) {
                new LayerApplier(WhiteoutMode.REMOVE).apply(in, dir);
            }
            assertThat(Files.readAllBytes(dir.resolve("disk.img"))).isEqualTo(expected);
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    static void assertDevice(Path p, int type, int major, int minor, int perms) throws IOException {
        assertThat(mode(p)).isEqualTo(type | perms);
        long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        assertThat(FileNodes.major(rdev)).isEqualTo(major);
        assertThat(FileNodes.minor(rdev)).isEqualTo(minor);
    }

    static java.util.List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
