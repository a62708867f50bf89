package dev.berth.image.snapshot;

import java.time.Instant;
import java.util.Map;

/**
 * What {@link Snapshotter#stat} and {@link Snapshotter#walk} report about one snapshot.
 *
 * @param name    the key of an active snapshot or view, or the name of a committed one
 * @param kind    its state
 * @param parent  the committed snapshot it builds on, or null for a base
 * @param labels  free-form labels given at prepare, view or commit
 * @param created when the snapshot (or, for a committed one, its active predecessor) was made
 * @param updated when it last changed state
 */
public record SnapshotInfo(String name, SnapshotKind kind, String parent, Map<String, String> labels,
                           Instant created, Instant updated) {
    public SnapshotInfo {
        labels = Map.copyOf(labels);
    }
}
