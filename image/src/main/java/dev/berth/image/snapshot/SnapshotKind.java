package dev.berth.image.snapshot;

/** The three states a snapshot can be in (containerd's {@code snapshots.Kind}). */
public enum SnapshotKind {
    /** Writable, made by {@link Snapshotter#prepare}; becomes committed by {@link Snapshotter#commit}. */
    ACTIVE,
    /** Read-only, made by {@link Snapshotter#view}; never committed, only removed. */
    VIEW,
    /** Immutable, the parent of active snapshots and views; not mountable itself. */
    COMMITTED
}
