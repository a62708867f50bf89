package dev.berth.image.snapshot;

import dev.berth.image.ImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Snapshots as full copies, for filesystems where overlayfs cannot be used (an upper directory
 * on overlayfs itself, some network filesystems): a new active snapshot starts as a copy of its
 * parent's tree ({@link TreeCopier}, like {@code cp -a}), and every mount is a bind mount.
 *
 * <p>It costs the disk space and time of a copy per layer and per container, and a layer's
 * whiteouts must be applied as deletions (the layer package's {@code WhiteoutMode.REMOVE}),
 * since nothing here understands overlay whiteouts. A view of a committed snapshot needs no copy:
 * committed trees never change, so the view is a read-only bind mount of the parent itself.
 */
public final class CopyingSnapshotter extends CatalogSnapshotter {
    private CopyingSnapshotter(SnapshotCatalog catalog) {
        super(catalog);
    }

    /** Opens (or creates) the snapshots in {@code dir}. */
    public static CopyingSnapshotter open(Path dir) throws ImageException {
        return new CopyingSnapshotter(SnapshotCatalog.open(dir));
    }

    @Override
    void populate(Path dir, SnapshotKind kind, List<SnapshotCatalog.Entry> chain) throws IOException {
        if (kind == SnapshotKind.ACTIVE && !chain.isEmpty()) {
            TreeCopier.copy(fs(chain.getFirst()), dir.resolve("fs"));
        }
    }

    @Override
    List<Mount> mountsOf(SnapshotCatalog.Entry e, List<SnapshotCatalog.Entry> chain) {
        if (e.kind() == SnapshotKind.VIEW && !chain.isEmpty()) {
            return List.of(Mount.bind(fs(chain.getFirst()).toString(), true));
        }
        return List.of(Mount.bind(fs(e).toString(), e.kind() == SnapshotKind.VIEW));
    }
}
