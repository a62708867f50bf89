package dev.berth.image.archive;

import dev.berth.image.layer.Compression;
import dev.berth.image.ImageException;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.ContentWriter;
import dev.berth.image.content.Lease;
import dev.berth.oci.image.Digest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The files of an image archive, read in one pass and held without extracting anything: small
 * files in memory, large ones in uncommitted ingests of the content store (their layer digests
 * computed on the way). Symlinks and hard links are kept as names, resolved only inside the
 * archive. Tools write archives in any order ({@code manifest.json} usually comes last), so
 * the loaders look at the staged files only after the whole stream has been read.
 *
 * <p>Blobs are committed on request and remembered ({@link #createdBlobs()}) so that a failed
 * load can have them collected; {@link #close()} drops every ingest that was not committed.
 */
final class StagedArchive implements AutoCloseable {
    /** Files up to this size stay in memory: all metadata, and small layers. */
    static final int IN_MEMORY_MAX = 1024 * 1024;
    /** Bounds the memory a hostile archive of many small files can take. */
    static final long IN_MEMORY_TOTAL_MAX = 256L * 1024 * 1024;
    private static final int MAX_LINK_HOPS = 32;

    private final ContentStore content;
    private final Lease lease;
    private final Map<String, StagedFile> files = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private final List<Digest> created = new ArrayList<>();
    private long inMemory;

    private StagedArchive(ContentStore content, Lease lease) {
        this.content = content;
        this.lease = lease;
    }

    /** Reads a tar stream (possibly gzip, zstd or bzip2 compressed as a whole). */
    static StagedArchive read(InputStream archive, ContentStore content, Lease lease) throws ImageException {
        StagedArchive staged = new StagedArchive(content, lease);
        try {
            BufferedInputStream buffered = new BufferedInputStream(archive, 64 * 1024);
            buffered.mark(Compression.MAGIC_LENGTH);
            byte[] head = buffered.readNBytes(Compression.MAGIC_LENGTH);
            buffered.reset();
            if (head.length == 0) {
                throw ImageException.invalid("archive: empty input");
            }
            InputStream plain = Compression.detect(head).decompress(buffered);
            TarArchiveInputStream tar = new TarArchiveInputStream(plain);
            TarArchiveEntry entry;
            int entries = 0;
            while ((entry = tar.getNextEntry()) != null) {
                staged.add(entry, tar);
                entries++;
            }
            if (entries == 0) {
                // Short garbage reads as an empty tar; an archive without entries is no archive.
                throw ImageException.invalid("archive: not a readable tar stream: no entries");
            }
            return staged;
        } catch (IOException e) {
            staged.close();
            // a decompressor may wrap what its source threw
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StoreFailure f) {
                    throw ImageException.io("load: store archive entry \"" + f.entry + "\"", f.getCause());
                }
            }
            throw ImageException.invalid("archive: not a readable tar stream: " + reason(e), e);
        } catch (ImageException | RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    private void add(TarArchiveEntry entry, InputStream in) throws IOException, ImageException {
        String name = EntryNames.normalize(entry.getName());
        if (entry.isSymbolicLink()) {
            links.put(name, EntryNames.symlinkTarget(name, entry.getLinkName()));
            discardFile(name);
        } else if (entry.isLink()) {
            // A hard link names another entry from the archive's root.
            links.put(name, EntryNames.normalize(entry.getLinkName()));
            discardFile(name);
        } else if (entry.isFile()) {
            links.remove(name);
            discardFile(name); // a later entry of the same name replaces the earlier, as tar does
            files.put(name, stage(name, entry.getSize(), in));
        }
        // Directories, devices and fifos mean nothing in an image archive.
    }

    private StagedFile stage(String name, long size, InputStream in) throws IOException, ImageException {
        if (size <= IN_MEMORY_MAX && inMemory + size <= IN_MEMORY_TOTAL_MAX) {
            byte[] data = in.readNBytes((int) size);
            inMemory += data.length;
            return new StagedFile.InMemory(data);
        }
        if (size <= IN_MEMORY_MAX) {
            throw ImageException.invalid("archive: too many small files (more than "
                    + IN_MEMORY_TOTAL_MAX / (1024 * 1024) + " MiB of them)");
        }
        ContentWriter writer = content.writer(lease);
        try {
            LayerDigest layer = LayerDigest.stream(in, new StoreStream(name, writer.stream()));
            return new StagedFile.Ingested(writer, layer);
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /**
     * A write to the content store that failed (a full disk, a read-only data root), kept apart
     * from failures to read the archive, which are the client's: the two get different errors.
     */
    private static final class StoreFailure extends IOException {
        private static final long serialVersionUID = 1L;
        private final String entry;

        StoreFailure(String entry, IOException cause) {
            super(cause.getMessage(), cause);
            this.entry = entry;
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Tags the failures of an ingest's stream as {@link StoreFailure}s of the entry {@code name}. */
    private static final class StoreStream extends java.io.FilterOutputStream {
        private final String name;

        StoreStream(String name, java.io.OutputStream out) {
            super(out);
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new StoreFailure(name, e);
            }
        }
    }

    private void discardFile(String name) {
        StagedFile previous = files.remove(name);
        if (previous instanceof StagedFile.Ingested ingested) {
            ingested.discard();
        }
    }

    /** The file at {@code path} (following links inside the archive), if any. */
    Optional<StagedFile> find(String path) throws ImageException {
        String name = EntryNames.normalize(path);
        for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
            StagedFile file = files.get(name);
            if (file != null) {
                return Optional.of(file);
            }
            String target = links.get(name);
            if (target == null) {
                return Optional.empty();
            }
            name = target;
        }
        throw ImageException.invalid("archive entry \"" + path + "\": too many levels of symbolic links");
    }

    boolean contains(String path) throws ImageException {
        return find(path).isPresent();
    }

    /** The bytes of a small file (metadata); larger files are refused with {@code what} named. */
    byte[] readSmall(String path, String what) throws ImageException {
        StagedFile file = find(path).orElseThrow(() -> ImageException.invalid(what + ": missing from the archive"));
        if (file instanceof StagedFile.InMemory memory) {
            return memory.data();
        }
        throw ImageException.invalid(what + ": larger than " + IN_MEMORY_MAX + " bytes");
    }

    /** Makes a staged file a blob of the content store, protected by the load's lease. */
    BlobInfo commit(StagedFile file) throws ImageException {
        boolean existed = content.exists(file.digest());
        if (file instanceof StagedFile.Ingested ingested) {
            ingested.commit();
        } else if (file instanceof StagedFile.InMemory memory) {
            content.put(memory.data(), lease);
        }
        if (!existed) {
            created.add(file.digest());
        }
        // Both paths above committed under the lease, so the blob is protected until registered.
        return content.info(file.digest())
                .orElseThrow(() -> ImageException.notFound("blob " + file.digest() + ": not found"));
    }

    /** Stores a document that was made, not read, during the load (a manifest). */
    BlobInfo put(byte[] data) throws ImageException {
        Digest digest = Digest.of(data);
        boolean existed = content.exists(digest);
        BlobInfo info = content.put(data, lease);
        if (!existed) {
            created.add(digest);
        }
        return info;
    }

    /**
     * The blobs this archive added to the store. A load that fails after committing hands them
     * to the garbage collector, which deletes those that nothing (no image, no other open lease)
     * has come to need in the meantime; deleting them here directly could pull a blob from
     * under a concurrent pull of the same layer.
     */
    List<Digest> createdBlobs() {
        return List.copyOf(created);
    }

    @Override
    public void close() {
        for (StagedFile file : files.values()) {
            if (file instanceof StagedFile.Ingested ingested) {
                ingested.discard();
            }
        }
    }

    private static String reason(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String line = message.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? line : Character.toLowerCase(line.charAt(0)) + line.substring(1);
    }
}
