package dev.berth.image.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds layer tars for tests with Commons Compress directly (not with the code under test).
 * Binary xattrs, which Commons Compress cannot encode, go through {@link #rawPax}: a hand-made
 * {@code x} header that applies to the next entry.
 */
final class TarBuilder {
    static final Instant T0 = Instant.parse("2021-06-07T08:09:10Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    TarBuilder() {
        tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TarBuilder dir(String name) throws IOException {
        return dir(name, 0755, e -> {});
    }

    TarBuilder dir(String name, int mode, Consumer<TarArchiveEntry> tweak) throws IOException {
        TarArchiveEntry e = entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, mode);
        tweak.accept(e);
        return put(e, null);
    }

    TarBuilder file(String name, String content) throws IOException {
        return file(name, content, 0644, e -> {});
    }

    TarBuilder file(String name, String content, int mode, Consumer<TarArchiveEntry> tweak) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setSize(data.length);
        tweak.accept(e);
        return put(e, data);
    }

    TarBuilder symlink(String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
        e.setLinkName(target);
        return put(e, null);
    }

    TarBuilder hardlink(String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0644);
        e.setLinkName(target);
        return put(e, null);
    }

    TarBuilder device(String name, byte type, int mode, int major, int minor) throws IOException {
        TarArchiveEntry e = entry(name, type, mode);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return put(e, null);
    }

    TarBuilder fifo(String name, int mode) throws IOException {
        return put(entry(name, TarConstants.LF_FIFO, mode), null);
    }

    TarBuilder whiteout(String dir, String name) throws IOException {
        return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, "");
    }

    TarBuilder opaque(String dir) throws IOException {
        return file(dir + "/.wh..wh..opq", "");
    }

    /** A PAX header with byte-exact values, for the entry that follows. */
    TarBuilder rawPax(Map<String, byte[]> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
            int body = key.length + r.getValue().length + 3;
            int len = body + String.valueOf(body).length();
            len = body + String.valueOf(len).length();
            out.write((len + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(key);
            out.write('=');
            out.write(r.getValue());
            out.write('\n');
        }
        byte[] data = out.toByteArray();
        TarArchiveEntry x = new TarArchiveEntry("PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
        x.setSize(data.length);
        // whole seconds: a fractional time would make Commons Compress put a PAX header of its own first
        x.setModTime(FileTime.from(T0));
        return put(x, data);
    }

    TarBuilder put(TarArchiveEntry e, byte[] data) throws IOException {
        tar.putArchiveEntry(e);
        if (data != null) {
            tar.write(data);
        }
        tar.closeArchiveEntry();
        return this;
    }

    byte[] tar() throws IOException {
        tar.finish();
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new com.github.luben.zstd.ZstdOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(mode);
        e.setIds(0, 0);
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(FileTime.from(T0));
        return e;
    }
}
