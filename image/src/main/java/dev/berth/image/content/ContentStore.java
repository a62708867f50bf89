package dev.berth.image.content;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Digest;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Blobs by digest: layers, configs, manifests and indexes, each stored once however many images
 * share it. A blob becomes visible only whole and verified: writers fill an ingest area and
 * {@link ContentWriter#commit} renames the data into place after checking its digest and size,
 * so a crash, a wrong byte from a registry or a full disk never leaves a blob that is not what
 * its name says.
 *
 * <p>The life of a blob: {@link #writer(Digest, long, Lease)} hands out a writer for a blob
 * that is not present (or says it is present); the writer is fed incrementally and committed,
 * aborted, or closed half-way, which keeps the ingest so that a later writer for the same digest
 * resumes at {@link ContentWriter#offset()}. Two writers for one digest never run at once: the
 * second waits for the first and then finds the blob present, or takes over the ingest if the
 * first gave up. Committed blobs are read with {@link #open}, and removed by {@link #delete} or
 * by {@link #sweep}, the garbage collector's sweep, which spares what live images reference and
 * what open {@link Lease}s protect.
 *
 * <p>Implementations are thread-safe.
 */
public interface ContentStore {

    /** The blob's size and commit time, or empty if it is not present. */
    Optional<BlobInfo> info(Digest digest) throws ImageException;

    default boolean exists(Digest digest) throws ImageException {
        return info(digest).isPresent();
    }

    /** Reads a blob; {@code NOT_FOUND} if absent. */
    InputStream open(Digest digest) throws ImageException;

    /**
     * Reads a small blob (a manifest, a config) whole; {@code INVALID_ARGUMENT} if it is larger
     * than {@code maxBytes}, so that a hostile document cannot exhaust memory.
     */
    byte[] read(Digest digest, int maxBytes) throws ImageException;

    /** Every committed blob. */
    List<BlobInfo> list() throws ImageException;

    /** Removes a blob; false if it was not there. Does not check whether anything uses it. */
    boolean delete(Digest digest) throws ImageException;

    /**
     * A writer for the blob {@code expected}, or empty if that blob is present (perhaps because a
     * concurrent writer for it just committed: this call waits for such a writer to finish).
     * {@code expectedSize} is checked on commit and while writing; {@code -1} if unknown.
     * {@code lease} (may be {@code null}) protects the blob once committed or found present.
     */
    Optional<ContentWriter> writer(Digest expected, long expectedSize, Lease lease)
            throws ImageException, InterruptedException;

    /** A writer for content whose digest is known only at the end (an import, an archive entry). */
    ContentWriter writer(Lease lease) throws ImageException;

    /** Stores {@code data} (a config, a manifest) and returns its info; a no-op if present. */
    BlobInfo put(byte[] data, Lease lease) throws ImageException;

    /** Writes in progress and resumable ingests left by interrupted writers. */
    List<IngestStatus> ingests() throws ImageException;

    /** Deletes the resumable ingest for {@code expected}, if any and not in use. */
    void abort(Digest expected) throws ImageException;

    /** A new lease; close it when the image it assembles is registered. */
    Lease lease();

    /**
     * Whether a lease is open: an image is being assembled, and may come to need what no image
     * needs now (the snapshot collector waits for a quiet moment).
     */
    boolean hasOpenLeases();

    /**
     * Deletes every blob that is not in {@code roots} and not protected by an open lease, and
     * returns what it deleted. {@code roots} is evaluated inside the sweep, with commits held
     * off, so that it sees every image registered before the sweep began.
     */
    List<BlobInfo> sweep(Supplier<Set<Digest>> roots) throws ImageException;

    /**
     * Like {@link #sweep(Supplier)}, but considers only {@code candidates}: how an operation that
     * failed half-way removes the blobs it added, without touching any that a concurrent
     * operation now needs.
     */
    List<BlobInfo> sweep(Collection<Digest> candidates, Supplier<Set<Digest>> roots) throws ImageException;
}
