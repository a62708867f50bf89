package dev.berth.image.layer;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes layer tars with Commons Compress, except for the PAX header, which it writes itself:
 * Commons Compress encodes PAX values as UTF-8 text and so cannot carry a binary
 * {@code security.capability}. Each entry that needs one gets exactly one {@code x} header
 * (readers such as Go's honour only the last header before an entry, so Commons Compress must not
 * add a second): long or non-ASCII paths and link targets, and {@code SCHILY.xattr.*}. Numbers
 * too large for the octal fields use the base-256 encoding that GNU tar and Go read.
 *
 * <p>Public for the daemon's {@code docker cp} and {@code docker export}, whose tars carry xattrs
 * the same way.
 */
public final class LayerTarWriter implements Closeable {
    private static final int NAME_FIELD = 100;
    private final TarArchiveOutputStream tar;
    private final byte[] buffer = new byte[128 * 1024];

    public LayerTarWriter(OutputStream out) {
        tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        // the PAX header written here carries the full names; the ustar fields may be cut short
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    }

    /** Writes {@code entry}, its xattrs, and {@code entry.getSize()} bytes of {@code data} (null when empty). */
    public void put(TarArchiveEntry entry, Map<String, byte[]> xattrs, InputStream data) throws IOException {
        Map<String, byte[]> pax = new LinkedHashMap<>();
        if (needsPax(entry.getName())) {
            pax.put("path", entry.getName().getBytes(StandardCharsets.UTF_8));
        }
        if (!entry.getLinkName().isEmpty() && needsPax(entry.getLinkName())) {
            pax.put("linkpath", entry.getLinkName().getBytes(StandardCharsets.UTF_8));
        }
        xattrs.forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
        if (!pax.isEmpty()) {
            byte[] records = records(pax);
            TarArchiveEntry header = new TarArchiveEntry(paxName(entry.getName()),
                    TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            header.setSize(records.length);
            // whole seconds, or Commons Compress would precede this header with one of its own
            header.setModTime(java.nio.file.attribute.FileTime.fromMillis(
                    entry.getLastModifiedTime().toInstant().getEpochSecond() * 1000));
            tar.putArchiveEntry(header);
            tar.write(records);
            tar.closeArchiveEntry();
        }
        tar.putArchiveEntry(entry);
        if (data != null) {
            long left = entry.getSize();
            while (left > 0) {
                int n = data.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(entry.getName() + " shrank while it was being written");
                }
                tar.write(buffer, 0, n);
                left -= n;
            }
        }
        tar.closeArchiveEntry();
    }

    /** Writes the end-of-archive blocks; the underlying stream stays open. */
    public void finish() throws IOException {
        tar.finish();
        tar.flush();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    private static boolean needsPax(String s) {
        return s.length() > NAME_FIELD || s.getBytes(StandardCharsets.UTF_8).length > NAME_FIELD
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(s);
    }

    private static String paxName(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        String base = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        String ascii = base.replaceAll("[^\\x20-\\x7e]", "_");
        String n = "PaxHeaders.0/" + ascii;
        return n.length() > NAME_FIELD ? n.substring(0, NAME_FIELD) : n;
    }

    /** PAX records, {@code "<len> <key>=<value>\n"}, where len counts the whole record including itself. */
    static byte[] records(Map<String, byte[]> pax) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            int rest = key.length + e.getValue().length + 3; // ' ', '=', '\n'
            int length = rest + Integer.toString(rest).length();
            if (Integer.toString(length).length() != Integer.toString(rest).length()) {
                length = rest + Integer.toString(length).length();
            }
            out.write(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
            out.write(key);
            out.write('=');
            out.write(e.getValue());
            out.write('\n');
        }
        return out.toByteArray();
    }
}
