package dev.berth.daemon.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tars written entry by entry, exactly as given (names with {@code ..} or a leading {@code /}
 * kept), and {@code docker save} archives made of them: the hostile and broken inputs that no
 * well-behaved tool writes.
 */
public final class TestArchive {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    public TestArchive() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public TestArchive file(String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true); // true: keep a leading '/'
        e.setSize(content.length);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
        return this;
    }

    public TestArchive file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public TestArchive symlink(String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    public TestArchive hardLink(String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    public byte[] bytes() throws IOException {
        tar.close();
        return bytes.toByteArray();
    }

    /** {@code size} bytes that do not compress, the same for the same seed. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Docker 25+ {@code docker save} archive of one image tagged {@code tag} with these layers
     * (uncompressed tars, base first); {@code omitted} of them are named by the manifest but left
     * out of the archive.
     */
    public static void dockerSave(Path out, String tag, List<byte[]> layers, int omitted) throws IOException {
        List<String> diffIds = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (byte[] layer : layers) {
            diffIds.add("\"sha256:" + sha256(layer) + "\"");
            paths.add("\"blobs/sha256/" + sha256(layer) + "\"");
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
                + "\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        String manifest = "[{\"Config\":\"blobs/sha256/" + sha256(config) + "\",\"RepoTags\":[\"" + tag
                + "\"],\"Layers\":[" + String.join(",", paths) + "]}]";
        TestArchive archive = new TestArchive().file("blobs/sha256/" + sha256(config), config);
        for (int i = 0; i < layers.size() - omitted; i++) {
            archive.file("blobs/sha256/" + sha256(layers.get(i)), layers.get(i));
        }
        archive.file("manifest.json", manifest);
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(archive.bytes());
        }
    }
}
