package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.layer.ChainId;
import dev.berth.image.snapshot.SnapshotInfo;
import dev.berth.image.snapshot.SnapshotKind;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.oci.image.Digest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The garbage collector of unpacked layers: removes the committed layer snapshots (named by
 * chain ID) that no image in the store uses any more, after {@code docker rmi} or {@code docker
 * image prune}. A snapshot is in use if it is the chain ID of some layer of some image, so a base
 * shared by two images stays until both are gone.
 *
 * <p>Snapshots with children are spared (a container's writable layer, or a layer being
 * unpacked on top): the snapshotter refuses to remove them, and a later run takes them. And
 * nothing is collected while an image is being assembled (a pull, load or import holds a content
 * {@link dev.berth.image.content.Lease}): such an operation may just have committed a layer, or
 * found one present and decided to reuse it, for an image not registered yet. Only names that
 * are digests (chain IDs) are considered; other snapshots are not the image store's.
 */
public final class SnapshotCollector {
    private final ImageStore store;
    private final Snapshotter snapshots;

    public SnapshotCollector(ImageStore store, Snapshotter snapshots) {
        this.store = store;
        this.snapshots = snapshots;
    }

    /** Removes the unused layer snapshots, children before parents; returns their names. */
    public List<String> collect() throws ImageException {
        if (assembling()) {
            return List.of();
        }
        Set<String> used = used();
        List<SnapshotInfo> all = new ArrayList<>();
        snapshots.walk(all::add);
        List<String> removed = new ArrayList<>();
        for (SnapshotInfo info : all.reversed()) { // walk lists parents first
            if (info.kind() != SnapshotKind.COMMITTED || !Digest.isValid(info.name())
                    || used.contains(info.name())) {
                continue;
            }
            if (assembling()) {
                break; // checked again before every removal: an operation may have started meanwhile
            }
            try {
                snapshots.remove(info.name());
                removed.add(info.name());
            } catch (ImageException e) {
                if (e.kind() != ImageException.Kind.CONFLICT && e.kind() != ImageException.Kind.NOT_FOUND) {
                    throw e;
                }
                // a child appeared, or another collection was first: nothing to do now
            }
        }
        return removed;
    }

    private boolean assembling() {
        return store.content().hasOpenLeases();
    }

    /** The chain IDs of every layer of every image. */
    private Set<String> used() throws ImageException {
        Set<String> used = new HashSet<>();
        for (ImageRecord record : store.snapshot().records().values()) {
            for (Digest chainId : ChainId.of(store.diffIds(record.id()))) {
                used.add(chainId.toString());
            }
        }
        return used;
    }
}
