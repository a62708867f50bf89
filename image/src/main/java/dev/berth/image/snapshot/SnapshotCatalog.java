package dev.berth.image.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.image.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bookkeeping both snapshotters share: which snapshots exist, in which state, in which
 * directory, and the crash rules that keep that consistent with the disk.
 *
 * <p>A snapshot is built in a {@code tmp-*} directory and renamed to its numeric id before
 * {@code metadata.json} names it; a removal renames the directory away before the metadata
 * forgets it. So after a crash a directory may exist that the metadata does not know, never the
 * reverse, and {@link #open} deletes every such directory. The metadata file itself is replaced
 * atomically: written to a temporary file, fsynced, renamed over the old one, and the directory
 * fsynced (rename(2) is atomic; without the fsyncs a power cut could lose it).
 *
 * <p>Writes are serialized by one lock and write the entries as they stand, so the file on disk
 * only ever moves forward. New snapshots share writes (group commit): a pull prepares a snapshot
 * for each of its layers at once, and each prepare returns once some write that began after its
 * entry was added has reached the disk, its own or another's. Commits and removals write alone,
 * holding the catalog's lock through the write, so no one sees a commit that might be undone.
 */
final class SnapshotCatalog {
    static final String METADATA = "metadata.json";
    static final String TEMP_PREFIX = "tmp-";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One snapshot as stored. {@code usage} is recorded at commit and null before. */
    record Entry(String key, String id, SnapshotKind kind, String parent, Map<String, String> labels,
                 Instant created, Instant updated, Usage usage) {
        SnapshotInfo info() {
            return new SnapshotInfo(key, kind, parent, labels, created, updated);
        }
    }

    private final Path dir;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long nextId = 1;
    /** Held around every write of the metadata; taken before this catalog's monitor, never after. */
    private final ReentrantLock writing = new ReentrantLock();
    /** How many entries {@link #add} has made; guarded by this. */
    private long added;
    /** The value of {@link #added} that the last completed write carried; guarded by {@link #writing}. */
    private long saved;

    private SnapshotCatalog(Path dir) {
        this.dir = dir;
    }

    /** Loads (or creates) the catalog in {@code dir} and deletes whatever a crash left half-made. */
    static SnapshotCatalog open(Path dir) throws ImageException {
        SnapshotCatalog c = new SnapshotCatalog(dir.toAbsolutePath().normalize());
        try {
            if (!Files.isDirectory(c.dir)) {
                Files.createDirectories(c.dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            c.load();
            c.sweep();
        } catch (IOException e) {
            throw failure("open snapshots in " + dir, e);
        }
        return c;
    }

    Path dir() {
        return dir;
    }

    /** The directory that holds the snapshot's {@code fs} (and {@code work}). */
    Path pathOf(Entry e) {
        return dir.resolve(e.id());
    }

    synchronized Entry get(String key) throws ImageException {
        Entry e = entries.get(key);
        if (e == null) {
            throw ImageException.notFound("snapshot " + key + ": not found");
        }
        return e;
    }

    /** The committed ancestors of {@code e}, nearest first. */
    synchronized List<Entry> ancestors(Entry e) {
        List<Entry> chain = new ArrayList<>();
        for (Entry p = entries.get(e.parent() == null ? "" : e.parent()); p != null;
                p = p.parent() == null ? null : entries.get(p.parent())) {
            chain.add(p);
        }
        return chain;
    }

    /** The committed snapshot {@code parent} and its ancestors, nearest first; empty for null. */
    synchronized List<Entry> chainFrom(String parent) throws ImageException {
        if (parent == null) {
            return List.of();
        }
        Entry p = entries.get(parent);
        if (p == null) {
            throw ImageException.notFound("parent snapshot " + parent + ": not found");
        }
        if (p.kind() != SnapshotKind.COMMITTED) {
            throw ImageException.invalid("parent snapshot " + parent + " is " + kindName(p)
                    + ": only committed snapshots can be parents");
        }
        List<Entry> chain = new ArrayList<>();
        chain.add(p);
        chain.addAll(ancestors(p));
        return chain;
    }

    /** A fresh directory to build a snapshot in, deleted by {@link #open} if the process dies first. */
    Path newTempDir() throws ImageException {
        try {
            return Files.createDirectory(dir.resolve(TEMP_PREFIX + UUID.randomUUID()));
        } catch (IOException e) {
            throw failure("create a snapshot directory in " + dir, e);
        }
    }

    /** Checks that {@code key} is free and {@code parent} usable, before any expensive work. */
    synchronized void checkNew(String key, String parent) throws ImageException {
        if (key == null || key.isEmpty()) {
            throw ImageException.invalid("snapshot key must not be empty");
        }
        if (entries.containsKey(key)) {
            throw ImageException.conflict("snapshot " + key + ": already exists");
        }
        chainFrom(parent);
    }

    /**
     * Registers the snapshot built in {@code temp} under {@code key}, renaming it to its id. The
     * entry is visible before it is durable; being active or a view, it cannot be anyone's parent
     * meanwhile, and only its creator, who is still waiting here, uses its key.
     */
    Entry add(String key, SnapshotKind kind, String parent, Map<String, String> labels, Path temp)
            throws ImageException {
        Entry e;
        Path target;
        long mine;
        synchronized (this) {
            checkNew(key, parent);
            String id = Long.toString(nextId);
            Instant now = Instant.now();
            e = new Entry(key, id, kind, parent, Map.copyOf(labels), now, now, null);
            target = dir.resolve(id);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException ex) {
                throw failure("create snapshot " + key, ex);
            }
            nextId++;
            entries.put(key, e);
            mine = ++added;
        }
        writing.lock();
        try {
            if (saved < mine) { // else a write that began after this entry was added carried it
                try {
                    save();
                } catch (IOException ex) {
                    // Undone before anyone else writes: the next write leaves it out. If an
                    // earlier write did carry it, the next open forgets it, its directory gone.
                    synchronized (this) {
                        entries.remove(key);
                    }
                    deleteQuietly(target);
                    throw failure("create snapshot " + key, ex);
                }
            }
        } finally {
            writing.unlock();
        }
        return e;
    }

    /**
     * Replaces the active snapshot {@code key} with the committed snapshot {@code name}, on
     * {@code onto} if that is not null (then {@code key} must have been prepared without a parent).
     */
    Entry commit(String name, String key, String onto, Map<String, String> labels, Usage usage)
            throws ImageException {
        writing.lock();
        try {
            synchronized (this) {
                return commitWriting(name, key, onto, labels, usage);
            }
        } finally {
            writing.unlock();
        }
    }

    private Entry commitWriting(String name, String key, String onto, Map<String, String> labels, Usage usage)
            throws ImageException {
        Entry active = get(key);
        if (active.kind() != SnapshotKind.ACTIVE) {
            throw ImageException.invalid("snapshot " + key + " is " + kindName(active)
                    + ": only active snapshots can be committed");
        }
        if (name == null || name.isEmpty()) {
            throw ImageException.invalid("snapshot name must not be empty");
        }
        if (onto != null) {
            if (active.parent() != null) {
                throw ImageException.invalid("snapshot " + key + " has the parent " + active.parent()
                        + ": only a snapshot prepared without one can be committed onto another");
            }
            chainFrom(onto); // committed and present
        }
        if (entries.containsKey(name)) {
            throw ImageException.conflict("snapshot " + name + ": already exists");
        }
        Entry committed = new Entry(name, active.id(), SnapshotKind.COMMITTED, onto != null ? onto : active.parent(),
                labels.isEmpty() ? active.labels() : Map.copyOf(labels), active.created(), Instant.now(), usage);
        entries.remove(key);
        entries.put(name, committed);
        try {
            save();
        } catch (IOException ex) {
            entries.remove(name);
            entries.put(key, active);
            throw failure("commit snapshot " + key + " as " + name, ex);
        }
        return committed;
    }

    /**
     * Forgets {@code key} and moves its directory aside; returns that directory for the caller
     * to delete outside the lock. Refused while a snapshot names {@code key} as its parent.
     */
    Path remove(String key) throws ImageException {
        writing.lock();
        try {
            synchronized (this) {
                return removeWriting(key);
            }
        } finally {
            writing.unlock();
        }
    }

    private Path removeWriting(String key) throws ImageException {
        Entry e = get(key);
        for (Entry other : entries.values()) {
            if (key.equals(other.parent())) {
                throw ImageException.conflict("cannot remove snapshot " + key + ": snapshot "
                        + other.key() + " is based on it");
            }
        }
        Path aside = dir.resolve(TEMP_PREFIX + "removed-" + e.id() + "-" + UUID.randomUUID());
        try {
            Files.move(pathOf(e), aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException ex) {
            aside = null; // already gone; forgetting it is all that is left
        } catch (IOException ex) {
            throw failure("remove snapshot " + key, ex);
        }
        entries.remove(key);
        try {
            save();
        } catch (IOException ex) {
            if (aside == null) {
                entries.put(key, e);
                throw failure("remove snapshot " + key, ex);
            }
            // On a full disk the new metadata fits only once the snapshot's files are gone (an
            // unpack that filled the disk is removed this way): free them, then write again.
            // The directory is already out of the way; if the write still fails, the metadata
            // on disk names a snapshot without a directory, which the next open forgets.
            deleteQuietly(aside);
            try {
                save();
            } catch (IOException again) {
                throw failure("remove snapshot " + key, again);
            }
            return null;
        }
        return aside;
    }

    /** Every entry, parents before children. */
    synchronized List<Entry> all() {
        List<Entry> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        boolean progress = true;
        while (progress && ordered.size() < entries.size()) {
            progress = false;
            for (Entry e : entries.values()) {
                if (!placed.contains(e.key()) && (e.parent() == null || placed.contains(e.parent()))) {
                    ordered.add(e);
                    placed.add(e.key());
                    progress = true;
                }
            }
        }
        for (Entry e : entries.values()) {
            if (!placed.contains(e.key())) {
                ordered.add(e); // a parent missing from hand-edited metadata: still list it
            }
        }
        return ordered;
    }

    private static String kindName(Entry e) {
        return switch (e.kind()) {
            case ACTIVE -> "active";
            case VIEW -> "a view";
            case COMMITTED -> "committed";
        };
    }

    private void load() throws IOException {
        Path file = dir.resolve(METADATA);
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root = JSON.readTree(file.toFile());
        nextId = root.path("nextId").asLong(1);
        var fields = root.path("snapshots").properties();
        for (Map.Entry<String, JsonNode> f : fields) {
            JsonNode n = f.getValue();
            Map<String, String> labels = new LinkedHashMap<>();
            n.path("labels").properties().forEach(l -> labels.put(l.getKey(), l.getValue().asText()));
            Usage usage = n.has("size") ? new Usage(n.get("size").asLong(), n.get("inodes").asLong()) : null;
            entries.put(f.getKey(), new Entry(f.getKey(), n.get("id").asText(),
                    SnapshotKind.valueOf(n.get("kind").asText().toUpperCase(java.util.Locale.ROOT)),
                    n.hasNonNull("parent") ? n.get("parent").asText() : null, labels,
                    Instant.parse(n.get("created").asText()), Instant.parse(n.get("updated").asText()), usage));
        }
    }

    /**
     * Deletes what no entry names: temp dirs, directories of half-made or half-removed snapshots;
     * and forgets entries whose directory a removal had already deleted when it could not write
     * the metadata (see {@link #remove}), unless another snapshot is based on them.
     */
    private void sweep() throws IOException {
        Set<String> parents = new HashSet<>();
        entries.values().forEach(e -> parents.add(e.parent()));
        if (entries.values().removeIf(e -> !parents.contains(e.key()) && !Files.isDirectory(pathOf(e)))) {
            writing.lock();
            try {
                save();
            } finally {
                writing.unlock();
            }
        }
        Set<String> live = new HashSet<>();
        live.add(METADATA);
        for (Entry e : entries.values()) {
            live.add(e.id());
            nextId = Math.max(nextId, Long.parseLong(e.id()) + 1);
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
                    nextId = Math.max(nextId, Long.parseLong(name) + 1);
                }
                if (!live.contains(name)) {
                    deleteTree(child);
                }
            }
        }
    }

    /** Writes the entries as they stand now; the caller holds {@link #writing}. */
    private void save() throws IOException {
        byte[] bytes;
        long carried;
        synchronized (this) {
            bytes = serialize();
            carried = added;
        }
        writeAtomically(dir.resolve(METADATA), bytes);
        saved = carried;
    }

    private byte[] serialize() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("nextId", nextId);
        ObjectNode snapshots = root.putObject("snapshots");
        for (Entry e : entries.values()) {
            ObjectNode n = snapshots.putObject(e.key());
            n.put("id", e.id());
            n.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (e.parent() != null) {
                n.put("parent", e.parent());
            }
            ObjectNode labels = n.putObject("labels");
            e.labels().forEach(labels::put);
            n.put("created", e.created().toString());
            n.put("updated", e.updated().toString());
            if (e.usage() != null) {
                n.put("size", e.usage().size());
                n.put("inodes", e.usage().inodes());
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static void writeAtomically(Path target, byte[] data) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                d.force(true); // Linux allows fsync on a directory opened read-only
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Deletes a tree without following symlinks out of it. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException ignored) {
            // left for the next open's sweep
        }
    }

    /** An I/O failure, of the kind {@link ImageException#io} tells (a full disk, a read-only root). */
    static ImageException failure(String what, IOException e) {
        String cause = e instanceof NoSuchFileException ? e.getMessage() + ": no such file or directory"
                : e.getMessage();
        return new ImageException(ImageException.io(what, e).kind(), what + ": " + cause, e);
    }
}
