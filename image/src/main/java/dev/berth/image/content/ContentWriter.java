package dev.berth.image.content;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Digest;
import java.io.Closeable;
import java.io.OutputStream;

/**
 * One blob being written into a {@link ContentStore}'s ingest area, fed in pieces as they
 * arrive (a download, a tar entry). Nothing is visible under the blob's name until
 * {@link #commit()} has checked digest and size, fsynced and renamed it.
 *
 * <p>A writer ends in exactly one of three ways. {@link #commit()} makes the blob visible (or
 * finds it already there) and frees the ingest. {@link #abort()} deletes what was written.
 * {@link #close()} without either keeps the ingest of a blob whose digest was given, so that the
 * next writer for it resumes at {@link #offset()} (a download continues with a range request);
 * an ingest of unknown digest cannot be resumed and is deleted. Not thread-safe.
 */
public interface ContentWriter extends Closeable {

    /** The digest this writer must produce, or {@code null} if only known at the end. */
    Digest expected();

    /** How many bytes the ingest holds: where writing continues. */
    long offset();

    /** Appends bytes; fails if that exceeds the expected size. */
    void write(byte[] bytes, int offset, int length) throws ImageException;

    /** Appends bytes through a stream; failures arrive as {@link java.io.IOException}s. */
    OutputStream stream();

    /** The digest of what was written so far. */
    Digest digest();

    /** Discards what was written, to start over (a server that ignored the range request). */
    void reset() throws ImageException;

    /**
     * Verifies the digest and size given when the writer was opened, then makes the blob
     * visible. On a mismatch the ingest is deleted and the error names the blob and both
     * digests; nothing appears under {@code blobs/}.
     */
    BlobInfo commit() throws ImageException;

    /** Like {@link #commit()}, additionally checking {@code expected} (for writers of unknown digest). */
    BlobInfo commit(Digest expected, long expectedSize) throws ImageException;

    /** Deletes what was written and ends the writer. */
    void abort() throws ImageException;

    /** Ends the writer, keeping a resumable ingest (see the class comment). */
    @Override
    void close();
}
