package dev.berth.image.content;

import dev.berth.image.ImageException;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.PageCache;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.Digester;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link ContentWriter} over one ingest directory, {@code ingest/<random>/data}. Its digester
 * runs as bytes are written; on resume it is rebuilt by reading the bytes already there, as
 * containerd does, because a hash state cannot be stored.
 *
 * <p>A large blob is written back to disk as it arrives, {@value #WRITE_BACK_WINDOW} bytes at a
 * time, and each window's pages leave the page cache once clean: a blob is read again only to
 * push or save it, while the layer unpacked from it is what containers read. The download's
 * next writes then reuse that memory instead of taking fresh pages, and the fsync at commit
 * has little left to write (see {@link PageCache}).
 */
final class IngestWriter implements ContentWriter {
    static final int WRITE_BACK_WINDOW = 8 << 20;

    private final FileContentStore store;
    private final Ingest ingest;
    private final Lease lease;
    private final Runnable release;
    private FileChannel channel;
    private Digester digester;
    private long offset;
    private boolean ended;
    /** Opened once the blob outgrows one window; null before, and after advice failed. */
    private PageCache pages;
    private boolean adviceFailed;
    private long writeBackFrom;
    private long dropFrom;

    IngestWriter(FileContentStore store, Ingest ingest, Lease lease, Runnable release) throws IOException {
        this.store = store;
        this.ingest = ingest;
        this.lease = lease;
        this.release = release;
        this.digester = newDigester();
        this.channel = FileChannel.open(ingest.data(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long existing = channel.size();
        if (existing > 0) {
            if (ingest.expectedSize() >= 0 && existing > ingest.expectedSize()) {
                channel.truncate(0); // longer than the blob can be: start over
            } else {
                try (InputStream in = Files.newInputStream(ingest.data())) {
                    in.transferTo(digester.asOutputStream());
                }
                offset = existing;
            }
        }
        channel.position(offset);
        writeBackFrom = offset;
        dropFrom = offset;
    }

    private Digester newDigester() {
        return ingest.expected() == null ? Digester.sha256() : ingest.expected().digester();
    }

    @Override
    public Digest expected() {
        return ingest.expected();
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public void write(byte[] bytes, int from, int length) throws ImageException {
        try {
            append(bytes, from, length);
        } catch (SizeExceeded e) {
            throw ImageException.invalid(e.getMessage(), e);
        } catch (IOException e) {
            throw ImageException.io("write " + name(), e);
        }
    }

    private void append(byte[] bytes, int from, int length) throws IOException {
        ensureOpen();
        long limit = ingest.expectedSize();
        if (limit >= 0 && offset + length > limit) {
            // A registry that sends more than the descriptor says is wrong; stop it early.
            throw new SizeExceeded(name() + ": more than the expected " + limit + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, from, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        digester.update(bytes, from, length);
        offset += length;
        if (offset - writeBackFrom >= WRITE_BACK_WINDOW) {
            adviseWindow();
        }
    }

    /**
     * Drops the window whose write-back started one window ago (clean by now, or skipped by the
     * kernel if not) and starts the write-back of the window just filled. Advice only: if the
     * kernel refuses it, the blob is written as any file is, and fsynced at commit.
     */
    private void adviseWindow() {
        if (adviceFailed) {
            return;
        }
        try {
            if (pages == null) {
                pages = PageCache.open(ingest.data());
            }
            pages.drop(dropFrom, writeBackFrom - dropFrom);
            dropFrom = writeBackFrom;
            pages.startWriteBack(writeBackFrom, offset - writeBackFrom);
            writeBackFrom = offset;
        } catch (ErrnoException | RuntimeException e) {
            adviceFailed = true;
            closePages();
        }
    }

    private void closePages() {
        if (pages != null) {
            pages.close();
            pages = null;
        }
    }

    @Override
    public OutputStream stream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                append(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int from, int length) throws IOException {
                append(bytes, from, length);
            }
        };
    }

    @Override
    public Digest digest() {
        return digester.digest();
    }

    @Override
    public void reset() throws ImageException {
        try {
            ensureOpen();
            channel.truncate(0);
            channel.position(0);
            offset = 0;
            writeBackFrom = 0;
            dropFrom = 0;
            digester = newDigester();
        } catch (IOException e) {
            throw ImageException.io("reset " + name(), e);
        }
    }

    @Override
    public BlobInfo commit() throws ImageException {
        return commit(null, -1);
    }

    @Override
    public BlobInfo commit(Digest expected, long expectedSize) throws ImageException {
        if (ended) {
            throw new IllegalStateException(name() + ": writer already ended");
        }
        try {
            channel.force(true);
            channel.close();
            if (pages != null) {
                try {
                    pages.drop(0, 0); // all clean after the fsync
                } catch (ErrnoException e) {
                    // advice only
                }
            }
            Digest actual = digester.digest();
            Digest wanted = ingest.expected() != null ? ingest.expected() : expected;
            long wantedSize = ingest.expectedSize() >= 0 ? ingest.expectedSize() : expectedSize;
            if (wanted != null && !actual.equals(wanted)
                    || expected != null && !actual.equals(expected)) {
                throw ImageException.invalid("blob " + (wanted != null ? wanted : expected)
                        + ": digest mismatch: got " + actual);
            }
            if (wantedSize >= 0 && offset != wantedSize || expectedSize >= 0 && offset != expectedSize) {
                throw ImageException.invalid("blob " + actual + ": size mismatch: expected "
                        + (wantedSize >= 0 ? wantedSize : expectedSize) + " bytes, got " + offset);
            }
            return store.publish(ingest, actual, offset, lease);
        } catch (IOException e) {
            throw ImageException.io("commit " + name(), e);
        } finally {
            end(true);
        }
    }

    @Override
    public void abort() throws ImageException {
        if (!ended) {
            end(true);
        }
    }

    @Override
    public void close() {
        if (!ended) {
            // Only a blob named in advance can be resumed: an anonymous ingest is garbage, and so
            // is one that never got a byte (a registry that answered 404 or never answered).
            end(ingest.expected() == null || offset == 0);
        }
    }

    private void end(boolean delete) {
        ended = true;
        closePages();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a file we only wrote to; the data is either committed or discarded.
        }
        store.finish(ingest, delete, release);
    }

    private void ensureOpen() throws IOException {
        if (ended) {
            throw new IOException(name() + ": writer already ended");
        }
    }

    private String name() {
        return ingest.expected() == null ? "blob in " + ingest.dir().getFileName() : "blob " + ingest.expected();
    }

    /** Writing past the expected size: an error in the content, not the disk. */
    static final class SizeExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        SizeExceeded(String message) {
            super(message);
        }
    }
}
