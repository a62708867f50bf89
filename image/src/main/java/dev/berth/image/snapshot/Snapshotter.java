package dev.berth.image.snapshot;

import dev.berth.image.ImageException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Stores filesystem trees as a chain of snapshots and hands out {@link Mount}s for them, in
 * the shape of containerd's snapshotter.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   prepare(key, parent) ──► ACTIVE ──commit(name, key)──► COMMITTED ◄── parent of the next prepare/view
 *   view(key, parent)    ──► VIEW   (read-only, never committed)
 *   remove(key) ends any of them; a committed snapshot only once nothing names it as parent
 * </pre>
 *
 * <p>Unpacking an image is a loop over its layers: {@code prepare(tmpKey, previousChainId)},
 * mount, apply the layer tar, unmount, {@code commit(chainId, tmpKey)}. A container is one more
 * {@code prepare(containerId, topChainId)}: its mounts are the container's root filesystem, and
 * its changes are what {@code docker diff} and {@code docker commit} read. {@code view} gives a
 * read-only tree, for example to read an image's {@code /etc/passwd}.
 *
 * <p>Keys and names share one namespace: an active snapshot, a view and a committed snapshot
 * cannot have the same name. Every state change is durable when the method returns, and a
 * crash part-way leaves no half-made snapshot behind once the snapshotter is opened again.
 *
 * <p>Errors are {@link ImageException}s: {@code NOT_FOUND} for an unknown key or parent,
 * {@code CONFLICT} for a name in use or a snapshot that still has children,
 * {@code INVALID_ARGUMENT} for an operation that does not fit the snapshot's kind.
 *
 * <p>Implementations are named by mechanism ({@link OverlaySnapshotter},
 * {@link CopyingSnapshotter}) and pass one shared contract test suite. They are thread-safe.
 */
public interface Snapshotter extends AutoCloseable {
    /** Describes the snapshot {@code key}. */
    SnapshotInfo stat(String key) throws ImageException;

    /** The space the snapshot's own storage takes; computed for active ones, recorded at commit for the others. */
    Usage usage(String key) throws ImageException;

    /** The mounts of an active snapshot or view (the same ones {@code prepare} or {@code view} returned). */
    List<Mount> mounts(String key) throws ImageException;

    /** Creates a writable snapshot on top of the committed {@code parent} (null for an empty tree). */
    default List<Mount> prepare(String key, String parent) throws ImageException {
        return prepare(key, parent, Map.of());
    }

    /** {@link #prepare(String, String)} with labels. */
    List<Mount> prepare(String key, String parent, Map<String, String> labels) throws ImageException;

    /** Creates a read-only snapshot of the committed {@code parent} (null for an empty tree). */
    default List<Mount> view(String key, String parent) throws ImageException {
        return view(key, parent, Map.of());
    }

    /** {@link #view(String, String)} with labels. */
    List<Mount> view(String key, String parent, Map<String, String> labels) throws ImageException;

    /** Turns the active snapshot {@code key} into the committed snapshot {@code name}; {@code key} is gone afterwards. */
    default void commit(String name, String key) throws ImageException {
        commit(name, key, Map.of());
    }

    /** {@link #commit(String, String)}, replacing the labels with {@code labels} when that is not empty. */
    void commit(String name, String key, Map<String, String> labels) throws ImageException;

    /**
     * Whether {@link #commitOnto} works here: true where a snapshot's directory holds only its
     * own changes (overlay), so that a layer can be unpacked before the layer below it exists and
     * be stacked on it when both are done; false where a snapshot holds a whole tree (copying).
     */
    default boolean canCommitOnto() {
        return false;
    }

    /**
     * Commits the active snapshot {@code key}, prepared without a parent and holding a layer in
     * overlay form (deletions as whiteouts), as {@code name} on top of the committed
     * {@code parent}. {@code INVALID_ARGUMENT} where {@link #canCommitOnto} is false or
     * {@code key} has a parent of its own.
     */
    default void commitOnto(String name, String key, String parent, Map<String, String> labels) throws ImageException {
        throw ImageException.invalid("snapshot " + key + ": " + getClass().getSimpleName()
                + " cannot commit a snapshot onto a parent it was not prepared on");
    }

    /** Removes a snapshot of any kind; refused while another snapshot names it as parent. */
    void remove(String key) throws ImageException;

    /** Calls {@code visitor} with every snapshot, parents before their children. */
    void walk(Consumer<SnapshotInfo> visitor) throws ImageException;

    /** Releases the snapshotter; the stored snapshots stay for the next open. */
    @Override
    void close();
}
