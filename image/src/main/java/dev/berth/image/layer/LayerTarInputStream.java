package dev.berth.image.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Commons Compress's tar reader, plus the extended attributes of each entry as raw bytes.
 *
 * <p>Commons Compress decodes every PAX value as UTF-8 text, which is right for paths and wrong
 * for xattrs: {@code security.capability} is a binary struct, and a byte such as 0x80 (the bit
 * of {@code cap_setuid}, which {@code newuidmap} carries) would come back as U+FFFD. So this
 * class watches the bytes of the PAX headers go by: {@link #readRecord} marks where each header
 * record starts and what type it is, {@link #read} keeps the data that Commons Compress reads for
 * it, and after {@link #getNextEntry} the {@code x} and {@code g} records are parsed again, byte
 * exact. {@code SCHILY.xattr.<name>} (GNU tar, Go, Docker) and {@code LIBARCHIVE.xattr.<name>}
 * (bsdtar: name URL-encoded, value base64) are understood.
 *
 * <p>Public for the daemon's {@code docker cp} into a container, whose tars carry xattrs the same way.
 */
public final class LayerTarInputStream extends TarArchiveInputStream {
    private static final String SCHILY = "SCHILY.xattr.";
    private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";

    private record Segment(byte type, ByteArrayOutputStream data) {}

    private final List<Segment> segments = new ArrayList<>();
    private final Map<String, byte[]> globalXattrs = new LinkedHashMap<>();
    private Map<String, byte[]> xattrs = Map.of();
    private int depth;
    private ByteArrayOutputStream current;

    public LayerTarInputStream(InputStream in) {
        super(in);
    }

    /** The extended attributes of the entry last returned by {@link #getNextEntry}. */
    public Map<String, byte[]> xattrs() {
        return xattrs;
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        // Commons Compress calls itself again after each PAX header: only the outermost call
        // starts and finishes the capture.
        if (depth == 0) {
            segments.clear();
            current = null;
        }
        depth++;
        try {
            return super.getNextEntry();
        } finally {
            depth--;
            if (depth == 0) {
                current = null;
                collect();
            }
        }
    }

    @Override
    protected byte[] readRecord() throws IOException {
        byte[] record = super.readRecord();
        if (depth > 0 && record != null && record.length > 156) {
            current = new ByteArrayOutputStream();
            segments.add(new Segment(record[156], current));
        }
        return record;
    }

    @Override
    public int read(byte[] buf, int offset, int length) throws IOException {
        int n = super.read(buf, offset, length);
        if (depth > 0 && current != null && n > 0) {
            current.write(buf, offset, n);
        }
        return n;
    }

    private void collect() {
        Map<String, byte[]> local = new LinkedHashMap<>();
        for (Segment s : segments) {
            if (s.type() == 'g') {
                parse(s.data().toByteArray(), globalXattrs);
            } else if (s.type() == 'x' || s.type() == 'X') {
                parse(s.data().toByteArray(), local);
            }
        }
        Map<String, byte[]> merged = new LinkedHashMap<>(globalXattrs);
        merged.putAll(local);
        xattrs = merged;
    }

    /** Parses PAX records ({@code "<len> <key>=<value>\n"}) and keeps the xattr ones, values as bytes. */
    static void parse(byte[] data, Map<String, byte[]> into) {
        Map<String, byte[]> libarchive = new LinkedHashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            int length = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9') {
                length = length * 10 + (data[space] - '0');
                space++;
            }
            if (space >= data.length || data[space] != ' ' || length <= space - pos || pos + length > data.length) {
                return; // malformed: Commons Compress reports it for the entry itself
            }
            int end = pos + length - 1; // the record's '\n'
            int equals = space + 1;
            while (equals < end && data[equals] != '=') {
                equals++;
            }
            String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, Math.min(equals + 1, end), end);
            if (key.startsWith(SCHILY)) {
                into.put(key.substring(SCHILY.length()), value);
            } else if (key.startsWith(LIBARCHIVE)) {
                try {
                    String name = java.net.URLDecoder.decode(key.substring(LIBARCHIVE.length()), StandardCharsets.UTF_8);
                    libarchive.put(name, Base64.getDecoder().decode(new String(value, StandardCharsets.US_ASCII)));
                } catch (IllegalArgumentException e) {
                    // not valid base64: ignore this one attribute, as bsdtar does
                }
            }
            pos += length;
        }
        libarchive.forEach(into::putIfAbsent);
    }
}
