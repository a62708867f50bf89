package dev.berth.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a save as a tar stream. Entries get fixed times (the epoch) and modes, so that saving
 * the same images twice gives the same bytes; POSIX extensions carry long names and sizes over
 * 8 GiB.
 */
final class TarSink implements ArchiveSink {
    private static final Date EPOCH = new Date(0);

    private final TarArchiveOutputStream tar;

    TarSink(OutputStream out) {
        this.tar = new TarArchiveOutputStream(new NonClosing(out));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    @Override
    public void directory(String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
        entry.setMode(040755);
        entry.setModTime(EPOCH);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    @Override
    public void file(String name, long size, InputStream data) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(0100644);
        entry.setSize(size);
        entry.setModTime(EPOCH);
        tar.putArchiveEntry(entry);
        long copied = data.transferTo(tar);
        if (copied != size) {
            throw new IOException(name + ": expected " + size + " bytes, got " + copied);
        }
        tar.closeArchiveEntry();
    }

    @Override
    public void finish() throws IOException {
        tar.finish();
        tar.flush();
    }

    /** The caller owns the stream (an HTTP response); finishing the tar must not close it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
