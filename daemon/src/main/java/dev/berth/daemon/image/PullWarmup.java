package dev.berth.daemon.image;

import dev.berth.image.layer.LayerApplier;
import dev.berth.image.layer.WhiteoutMode;
import dev.berth.image.registry.RegistryClient;
import dev.berth.linux.PageCache;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Runs the cold parts of a pull once, in the background, right after the daemon starts, so that
 * the first pull does not pay for them: the SHA-256 provider and its compiled form, the JDK
 * HTTP client that plain-HTTP registries use (built, not connected), the JSON mapping of
 * manifests and configs, and a tiny layer applied into a scratch directory, which loads the tar
 * and gzip readers and creates the FFM downcall handles (lchown, chmod, utimensat, mknod,
 * setxattr, and the page cache advice on large blobs: about 100 ms the first time, see
 * MACHINE.md). Measured on bench/pull's 100 MB image, a pull right after start
 * used about 1 s less CPU with it (1.7-2.7 s instead of 3.0-4.0 s). Best effort: any failure
 * only means the first pull warms up by itself.
 *
 * <p>The scratch directory is a {@code tmp-} directory of the snapshot store, which the next
 * open deletes if the daemon dies first.
 */
public final class PullWarmup {
    private static final Logger LOG = Logger.getLogger(PullWarmup.class.getName());

    private PullWarmup() {}

    /**
     * Starts the warm-up on a low-priority daemon thread; {@code scratchParent} is the snapshot
     * directory, {@code registry} the daemon's client, whose plain-HTTP client is built here.
     */
    public static void start(Path scratchParent, RegistryClient registry) {
        Thread.ofPlatform().daemon().name("pull-warmup").priority(Thread.MIN_PRIORITY).start(() -> {
            try {
                run(scratchParent, registry);
            } catch (Exception | LinkageError e) {
                LOG.fine("pull warm-up: " + e);
            }
        });
    }

    static void run(Path scratchParent, RegistryClient registry) throws Exception {
        byte[] block = new byte[64 << 10];
        for (int i = 0; i < 64; i++) {
            Digest.of(block); // as many calls as bin/berthd asks before C2 compiles the digest
        }
        ImageJson.readManifest(("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.of(block) + "\",\"size\":1},\"layers\":[]}").getBytes(StandardCharsets.UTF_8), "warm-up");
        ImageJson.readConfig(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-01T00:00:00Z\","
                + "\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"/bin/sh\"],\"Labels\":{\"a\":\"b\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.of(block) + "\"]},"
                + "\"history\":[{\"created_by\":\"warm-up\"}]}").getBytes(StandardCharsets.UTF_8), "warm-up");
        registry.warmUp();
        Path scratch = scratchParent.resolve("tmp-warmup-" + UUID.randomUUID());
        Files.createDirectory(scratch);
        try {
            new LayerApplier(WhiteoutMode.OVERLAY).apply(new ByteArrayInputStream(layer()), scratch);
            Path blob = Files.write(scratch.resolve("blob"), block);
            try (PageCache pages = PageCache.open(blob)) { // the content store's advice on large blobs
                pages.startWriteBack(0, block.length);
                pages.drop(0, 0);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(scratch)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A gzipped layer with a directory, a file, a symlink, a whiteout and an opaque directory. */
    private static byte[] layer() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.putArchiveEntry(new TarArchiveEntry("etc/"));
            tar.closeArchiveEntry();
            byte[] data = "berth\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry file = new TarArchiveEntry("etc/hostname");
            file.setSize(data.length);
            file.setMode(0644);
            tar.putArchiveEntry(file);
            tar.write(data);
            tar.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("etc/name", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("hostname");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            tar.putArchiveEntry(new TarArchiveEntry("etc/.wh.gone"));
            tar.closeArchiveEntry();
            tar.putArchiveEntry(new TarArchiveEntry("var/"));
            tar.closeArchiveEntry();
            tar.putArchiveEntry(new TarArchiveEntry("var/.wh..wh..opq"));
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
