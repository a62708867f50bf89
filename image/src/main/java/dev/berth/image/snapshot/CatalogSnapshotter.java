package dev.berth.image.snapshot;

import dev.berth.image.ImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The part of a directory-based snapshotter that does not depend on the mechanism: the
 * {@link SnapshotCatalog}, the order of steps that keeps it crash-safe, usage and walking.
 * Subclasses say how a new snapshot's directory is filled and what its mounts are.
 */
abstract class CatalogSnapshotter implements Snapshotter {
    final SnapshotCatalog catalog;
    private volatile boolean closed;

    CatalogSnapshotter(SnapshotCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Fills {@code dir} (a temp directory that becomes {@code <id>/}) for a new snapshot of
     * {@code kind} on {@code chain} (the parent first). {@code dir/fs} exists already.
     */
    abstract void populate(Path dir, SnapshotKind kind, List<SnapshotCatalog.Entry> chain) throws IOException;

    /** The mounts of an active snapshot or view {@code e}, whose ancestors are {@code chain}, nearest first. */
    abstract List<Mount> mountsOf(SnapshotCatalog.Entry e, List<SnapshotCatalog.Entry> chain);

    /** Called after commit, to drop what only an active snapshot needs. */
    void committed(Path dir) {}

    @Override
    public SnapshotInfo stat(String key) throws ImageException {
        checkOpen();
        return catalog.get(key).info();
    }

    @Override
    public Usage usage(String key) throws ImageException {
        checkOpen();
        SnapshotCatalog.Entry e = catalog.get(key);
        if (e.usage() != null) {
            return e.usage();
        }
        return measure(e);
    }

    @Override
    public List<Mount> mounts(String key) throws ImageException {
        checkOpen();
        SnapshotCatalog.Entry e = catalog.get(key);
        if (e.kind() == SnapshotKind.COMMITTED) {
            throw ImageException.invalid("snapshot " + key + " is committed: prepare or view a child to mount it");
        }
        return mountsOf(e, catalog.ancestors(e));
    }

    @Override
    public List<Mount> prepare(String key, String parent, Map<String, String> labels) throws ImageException {
        return create(key, parent, labels, SnapshotKind.ACTIVE);
    }

    @Override
    public List<Mount> view(String key, String parent, Map<String, String> labels) throws ImageException {
        return create(key, parent, labels, SnapshotKind.VIEW);
    }

    private List<Mount> create(String key, String parent, Map<String, String> labels, SnapshotKind kind)
            throws ImageException {
        checkOpen();
        catalog.checkNew(key, parent);
        List<SnapshotCatalog.Entry> chain = catalog.chainFrom(parent);
        Path temp = catalog.newTempDir();
        SnapshotCatalog.Entry e;
        try {
            Files.createDirectory(temp.resolve("fs"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            populate(temp, kind, chain);
            e = catalog.add(key, kind, parent, labels, temp);
        } catch (IOException ex) {
            SnapshotCatalog.deleteQuietly(temp);
            throw SnapshotCatalog.failure("create snapshot " + key, ex);
        } catch (ImageException | RuntimeException ex) {
            SnapshotCatalog.deleteQuietly(temp);
            throw ex;
        }
        return mountsOf(e, catalog.ancestors(e));
    }

    @Override
    public void commit(String name, String key, Map<String, String> labels) throws ImageException {
        commit(name, key, null, labels);
    }

    /** Commits {@code key} as {@code name}, on {@code onto} where not null (see {@link Snapshotter#commitOnto}). */
    final void commit(String name, String key, String onto, Map<String, String> labels) throws ImageException {
        checkOpen();
        SnapshotCatalog.Entry e = catalog.get(key);
        if (e.kind() != SnapshotKind.ACTIVE) {
            throw ImageException.invalid("snapshot " + key + " is not active: only active snapshots can be committed");
        }
        // measured before taking the catalog's lock: a large layer takes a while to walk
        Usage usage = measure(e);
        SnapshotCatalog.Entry committed = catalog.commit(name, key, onto, labels, usage);
        committed(catalog.pathOf(committed));
    }

    @Override
    public void remove(String key) throws ImageException {
        checkOpen();
        Path aside = catalog.remove(key);
        if (aside != null) {
            try {
                SnapshotCatalog.deleteTree(aside);
            } catch (IOException e) {
                // forgotten already; the next open sweeps what is left
                throw SnapshotCatalog.failure("delete the files of snapshot " + key, e);
            }
        }
    }

    @Override
    public void walk(Consumer<SnapshotInfo> visitor) throws ImageException {
        checkOpen();
        for (SnapshotCatalog.Entry e : catalog.all()) {
            visitor.accept(e.info());
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    Path fs(SnapshotCatalog.Entry e) {
        return catalog.pathOf(e).resolve("fs");
    }

    private Usage measure(SnapshotCatalog.Entry e) throws ImageException {
        try {
            return DiskUsage.of(fs(e));
        } catch (IOException ex) {
            throw SnapshotCatalog.failure("measure snapshot " + e.key(), ex);
        }
    }

    private void checkOpen() throws ImageException {
        if (closed) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE, "snapshotter for " + catalog.dir() + " is closed");
        }
    }
}
