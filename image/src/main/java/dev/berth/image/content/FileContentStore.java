package dev.berth.image.content;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * A {@link ContentStore} in a directory tree, laid out as containerd lays out its content store:
 *
 * <pre>
 * &lt;root&gt;/content/
 *   blobs/sha256/&lt;hex&gt;        committed blobs, read-only, named by their digest
 *   ingest/&lt;random&gt;/data      bytes being written
 *   ingest/&lt;random&gt;/ref       "&lt;digest&gt; &lt;size&gt; &lt;started&gt;" when the digest is known (resumable)
 * </pre>
 *
 * A blob is committed by fsyncing its ingest data and renaming it into {@code blobs/}, then
 * fsyncing that directory: after a crash at any point a name under {@code blobs/} holds the
 * whole, verified blob or does not exist. Opening the store deletes ingests that cannot be
 * resumed (no {@code ref}) and keeps the others for the next writer of the same digest.
 */
public final class FileContentStore implements ContentStore {
    private final Path blobs;
    private final Path ingestRoot;
    private final ConcurrentHashMap<Digest, CountDownLatch> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Digest, Ingest> resumable = new ConcurrentHashMap<>();
    private final Leases leases;

    private FileContentStore(Path content) {
        this.blobs = content.resolve("blobs");
        this.ingestRoot = content.resolve("ingest");
        this.leases = new Leases(this::isPresent);
    }

    /** Opens (creating if needed) the content store under {@code <dataRoot>/content}. */
    public static FileContentStore open(Path dataRoot) throws ImageException {
        FileContentStore store = new FileContentStore(dataRoot.resolve("content"));
        try {
            Files.createDirectories(store.blobs.resolve(Digest.SHA256));
            Files.createDirectories(store.ingestRoot);
            store.recoverIngests();
        } catch (IOException e) {
            throw ImageException.io("open content store " + dataRoot, e);
        }
        return store;
    }

    private void recoverIngests() throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(ingestRoot)) {
            for (Path dir : dirs) {
                Ingest ingest = readRef(dir);
                if (ingest == null || resumable.putIfAbsent(ingest.expected(), ingest) != null) {
                    DurableFiles.deleteTree(dir); // anonymous, torn, or a duplicate: garbage
                }
            }
        }
    }

    private static Ingest readRef(Path dir) {
        try {
            String[] parts = Files.readString(dir.resolve(Ingest.REF), StandardCharsets.UTF_8).strip().split(" ");
            if (parts.length != 3 || !Files.isRegularFile(dir.resolve(Ingest.DATA))) {
                return null;
            }
            return new Ingest(dir, Digest.parse(parts[0]), Long.parseLong(parts[1]), Instant.parse(parts[2]));
        } catch (IOException | RuntimeException e) {
            return null; // a ref that cannot be read cannot be resumed
        }
    }

    /** The path a blob has (or would have) under {@code blobs/}. */
    Path blobPath(Digest digest) {
        // Digest's grammar allows neither '/' nor a leading '.', so both parts are safe names.
        return blobs.resolve(digest.algorithm()).resolve(digest.encoded());
    }

    private boolean isPresent(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    @Override
    public Optional<BlobInfo> info(Digest digest) throws ImageException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(blobPath(digest), BasicFileAttributes.class);
            return Optional.of(new BlobInfo(digest, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ImageException.io("stat blob " + digest, e);
        }
    }

    @Override
    public InputStream open(Digest digest) throws ImageException {
        try {
            return Files.newInputStream(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw ImageException.notFound("blob " + digest + ": not found");
        } catch (IOException e) {
            throw ImageException.io("read blob " + digest, e);
        }
    }

    @Override
    public byte[] read(Digest digest, int maxBytes) throws ImageException {
        try (InputStream in = open(digest)) {
            byte[] data = in.readNBytes(maxBytes + 1);
            if (data.length > maxBytes) {
                throw ImageException.invalid("blob " + digest + ": larger than " + maxBytes + " bytes");
            }
            return data;
        } catch (IOException e) {
            throw ImageException.io("read blob " + digest, e);
        }
    }

    @Override
    public List<BlobInfo> list() throws ImageException {
        List<BlobInfo> found = new ArrayList<>();
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(blobs)) {
            for (Path algorithmDir : algorithms) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(algorithmDir)) {
                    for (Path file : files) {
                        String name = algorithmDir.getFileName() + ":" + file.getFileName();
                        if (Digest.isValid(name)) {
                            info(Digest.parse(name)).ifPresent(found::add);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw ImageException.io("list blobs", e);
        }
        return found;
    }

    @Override
    public boolean delete(Digest digest) throws ImageException {
        try {
            return Files.deleteIfExists(blobPath(digest));
        } catch (IOException e) {
            throw ImageException.io("delete blob " + digest, e);
        }
    }

    @Override
    public Optional<ContentWriter> writer(Digest expected, long expectedSize, Lease lease)
            throws ImageException, InterruptedException {
        try {
            expected.digester(); // only digests we can verify may be written
        } catch (IllegalArgumentException e) {
            throw ImageException.invalid("blob " + expected + ": " + e.getMessage(), e);
        }
        while (true) {
            if (present(expected, lease)) {
                return Optional.empty();
            }
            CountDownLatch mine = new CountDownLatch(1);
            CountDownLatch other = active.putIfAbsent(expected, mine);
            if (other == null) {
                Runnable release = () -> {
                    active.remove(expected, mine);
                    mine.countDown();
                };
                return ownWriter(expected, expectedSize, lease, release);
            }
            // Someone is writing this blob: wait for their outcome instead of writing it twice.
            other.await();
        }
    }

    private Optional<ContentWriter> ownWriter(Digest expected, long expectedSize, Lease lease, Runnable release)
            throws ImageException {
        boolean handedOut = false;
        try {
            // The previous owner may have committed between our check and our claim.
            if (present(expected, lease)) {
                return Optional.empty();
            }
            Ingest ingest = resumable.remove(expected);
            if (ingest != null && expectedSize >= 0 && ingest.expectedSize() >= 0
                    && ingest.expectedSize() != expectedSize) {
                DurableFiles.deleteTree(ingest.dir());
                ingest = null;
            }
            if (ingest == null) {
                ingest = newIngest(expected, expectedSize);
            }
            IngestWriter writer = new IngestWriter(this, ingest, lease, release);
            handedOut = true;
            return Optional.of(writer);
        } catch (IOException e) {
            throw ImageException.io("write blob " + expected, e);
        } finally {
            if (!handedOut) {
                release.run();
            }
        }
    }

    private boolean present(Digest digest, Lease lease) {
        return lease != null ? lease.protect(digest) : isPresent(digest);
    }

    @Override
    public ContentWriter writer(Lease lease) throws ImageException {
        try {
            return new IngestWriter(this, newIngest(null, -1), lease, () -> {});
        } catch (IOException e) {
            // no digest to name yet: name the place that refused it (a full or read-only data root)
            throw ImageException.io("write blob to " + ingestRoot, e);
        }
    }

    private Ingest newIngest(Digest expected, long expectedSize) throws IOException {
        Path dir = ingestRoot.resolve(UUID.randomUUID().toString());
        Files.createDirectory(dir);
        Ingest ingest = new Ingest(dir, expected, expectedSize, Instant.now());
        if (expected != null) {
            String ref = expected + " " + expectedSize + " " + ingest.startedAt() + "\n";
            // Not fsynced: the ref only lets a later pull resume this download. A power cut that
            // loses it or leaves it empty costs that reuse (readRef takes it for garbage); the two
            // fsyncs (file and directory) held every layer's first bytes back by 10-30 ms.
            DurableFiles.replaceAtomically(ingest.ref(), ref.getBytes(StandardCharsets.UTF_8));
        }
        return ingest;
    }

    @Override
    public BlobInfo put(byte[] data, Lease lease) throws ImageException {
        Digest digest = Digest.of(data);
        Optional<ContentWriter> writer;
        try {
            writer = writer(digest, data.length, lease);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(ImageException.Kind.UNAVAILABLE, "write blob " + digest + ": interrupted", e);
        }
        if (writer.isEmpty()) {
            return info(digest).orElseThrow(() -> ImageException.notFound("blob " + digest + ": not found"));
        }
        try (ContentWriter w = writer.get()) {
            w.reset(); // a resumed ingest of a small document is not worth trusting
            w.write(data, 0, data.length);
            return w.commit();
        }
    }

    /** Called by a writer whose content checked out: makes it visible under its digest. */
    BlobInfo publish(Ingest ingest, Digest digest, long size, Lease lease) throws IOException {
        return leases.shared(() -> {
            Path target = blobPath(digest);
            if (!Files.exists(target)) {
                Files.createDirectories(target.getParent());
                Files.setPosixFilePermissions(ingest.data(), PosixFilePermissions.fromString("r--r--r--"));
                DurableFiles.moveAtomically(ingest.data(), target);
            }
            if (lease != null) {
                lease.add(digest);
            }
            return new BlobInfo(digest, size, Instant.now());
        });
    }

    /** Called once by every writer as it ends. */
    void finish(Ingest ingest, boolean delete, Runnable release) {
        try {
            if (delete) {
                DurableFiles.deleteTree(ingest.dir());
            } else {
                resumable.put(ingest.expected(), ingest);
            }
        } catch (IOException e) {
            // An undeletable ingest is only wasted space; the next open retries.
        } finally {
            release.run();
        }
    }

    @Override
    public List<IngestStatus> ingests() throws ImageException {
        List<IngestStatus> statuses = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(ingestRoot)) {
            for (Path dir : dirs) {
                Ingest ingest = readRef(dir);
                long offset = sizeOrZero(dir.resolve(Ingest.DATA));
                statuses.add(ingest == null
                        ? new IngestStatus(null, offset, -1, null)
                        : new IngestStatus(ingest.expected(), offset, ingest.expectedSize(), ingest.startedAt()));
            }
        } catch (IOException e) {
            throw ImageException.io("list ingests", e);
        }
        return statuses;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void abort(Digest expected) throws ImageException {
        Ingest ingest = resumable.remove(expected);
        if (ingest != null) {
            try {
                DurableFiles.deleteTree(ingest.dir());
            } catch (IOException e) {
                throw ImageException.io("abort ingest of " + expected, e);
            }
        }
    }

    @Override
    public Lease lease() {
        return leases.open();
    }

    @Override
    public boolean hasOpenLeases() {
        return leases.anyOpen();
    }

    @Override
    public List<BlobInfo> sweep(Supplier<Set<Digest>> roots) throws ImageException {
        return leases.exclusive(leased -> sweep(list(), roots.get(), leased));
    }

    @Override
    public List<BlobInfo> sweep(Collection<Digest> candidates, Supplier<Set<Digest>> roots) throws ImageException {
        return leases.exclusive(leased -> {
            List<BlobInfo> blobs = new ArrayList<>();
            for (Digest candidate : candidates) {
                info(candidate).ifPresent(blobs::add);
            }
            return sweep(blobs, roots.get(), leased);
        });
    }

    private List<BlobInfo> sweep(List<BlobInfo> blobs, Set<Digest> keep, Set<Digest> leased) throws ImageException {
        List<BlobInfo> deleted = new ArrayList<>();
        for (BlobInfo blob : blobs) {
            if (!keep.contains(blob.digest()) && !leased.contains(blob.digest()) && delete(blob.digest())) {
                deleted.add(blob);
            }
        }
        return deleted;
    }
}
