package dev.berth.image.layer;

import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Mount;
import dev.berth.image.snapshot.Mounter;
import dev.berth.image.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Unpacks a layer into a {@link Snapshotter} as a new committed snapshot: prepare on the
 * parent, apply, commit under the layer's name (for images, its chainID). On any failure the
 * prepared snapshot is removed, so a half-unpacked layer is never visible.
 *
 * <p>Where the layer is written depends on the mounts the snapshotter returns, as in containerd:
 * an overlay with an upper directory gets the layer applied to that directory directly, in
 * {@link WhiteoutMode#OVERLAY} form (no mount needed, whiteouts become overlay whiteouts); a
 * writable bind mount gets it applied to its source in {@link WhiteoutMode#REMOVE} form (the
 * directory holds the whole tree); anything else is mounted on a temporary directory and written
 * through in {@code REMOVE} form.
 *
 * <p>Applied to an upper directory alone, a layer does not see the layers below it: an entry
 * under a path that a lower layer made a symlink ({@code lib -> usr/lib}, then {@code lib/x})
 * lands in a new directory {@code lib} that hides the symlink, where a merged tree would have
 * followed it. Docker's overlay2 and containerd's overlay apply behave the same; image builders
 * record the resolved path, so real layers do not contain such entries.
 */
public final class SnapshotUnpacker {
    private final Snapshotter snapshots;

    public SnapshotUnpacker(Snapshotter snapshots) {
        this.snapshots = snapshots;
    }

    /** Applies {@code layer} on top of {@code parent} (null for a base layer) and commits it as {@code name}. */
    public LayerDigest unpack(String name, String parent, InputStream layer) throws ImageException {
        return unpack(name, parent, layer, Map.of());
    }

    /** {@link #unpack(String, String, InputStream)} with labels for the committed snapshot. */
    public LayerDigest unpack(String name, String parent, InputStream layer, Map<String, String> labels)
            throws ImageException {
        return unpack(name, parent, layer, labels, applied -> {});
    }

    /**
     * Checks an applied layer before its snapshot is committed: what it unpacked to (its diffID
     * against the image config's), and that its source is complete and verified. An exception
     * discards the snapshot; it never becomes visible.
     */
    @FunctionalInterface
    public interface Check {
        void check(LayerDigest applied) throws ImageException;
    }

    /** {@link #unpack(String, String, InputStream, Map)}, committing only if {@code check} passes. */
    public LayerDigest unpack(String name, String parent, InputStream layer, Map<String, String> labels, Check check)
            throws ImageException {
        String key = "extract-" + UUID.randomUUID() + " " + name;
        List<Mount> mounts = snapshots.prepare(key, parent);
        boolean committed = false;
        try {
            LayerDigest digest = apply(mounts, layer);
            check.check(digest);
            snapshots.commit(name, key, labels);
            committed = true;
            return digest;
        } finally {
            if (!committed) {
                try {
                    snapshots.remove(key);
                } catch (ImageException ignored) {
                    // the first failure is the one to report; the next open sweeps leftovers
                }
            }
        }
    }

    /** Waits until the parent of a layer unpacked ahead is committed; throws if it never will be. */
    @FunctionalInterface
    public interface ParentReady {
        void await() throws ImageException;
    }

    /**
     * Unpacks {@code layer} without waiting for its parent, where the snapshotter can stack it
     * later ({@link Snapshotter#canCommitOnto}): applied in overlay form to a snapshot of its
     * own, checked, and committed onto {@code parent} once {@code parentReady} returns. Layers
     * of one image can so unpack side by side and still be committed base first.
     */
    public LayerDigest unpackAhead(String name, String parent, InputStream layer, Map<String, String> labels,
            Check check, ParentReady parentReady) throws ImageException {
        if (!snapshots.canCommitOnto()) {
            throw ImageException.invalid("layer " + name + ": this snapshotter cannot unpack a layer before its parent");
        }
        String key = "extract-" + UUID.randomUUID() + " " + name;
        List<Mount> mounts = snapshots.prepare(key, null);
        boolean committed = false;
        try {
            Mount m = mounts.getFirst();
            if (mounts.size() != 1 || !m.type().equals("bind") || m.readOnly()) {
                throw ImageException.internal("layer " + name + ": a parentless snapshot is not one writable directory: "
                        + mounts, null);
            }
            LayerDigest digest = new LayerApplier(WhiteoutMode.OVERLAY).apply(layer, Path.of(m.source()));
            check.check(digest);
            parentReady.await();
            snapshots.commitOnto(name, key, parent, labels);
            committed = true;
            return digest;
        } finally {
            if (!committed) {
                try {
                    snapshots.remove(key);
                } catch (ImageException ignored) {
                    // the first failure is the one to report; the next open sweeps leftovers
                }
            }
        }
    }

    private static LayerDigest apply(List<Mount> mounts, InputStream layer) throws ImageException {
        if (mounts.size() == 1) {
            Mount m = mounts.getFirst();
            if (m.type().equals("overlay") && m.option("upperdir").isPresent()) {
                return new LayerApplier(WhiteoutMode.OVERLAY).apply(layer, Path.of(m.option("upperdir").get()));
            }
            if (m.type().equals("bind") && !m.readOnly()) {
                return new LayerApplier(WhiteoutMode.REMOVE).apply(layer, Path.of(m.source()));
            }
        }
        Path target;
        try {
            target = Files.createTempDirectory("berth-unpack-");
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.INTERNAL, "unpack: " + e.getMessage(), e);
        }
        try {
            Mounter.mountAll(mounts, target);
            try {
                return new LayerApplier(WhiteoutMode.REMOVE).apply(layer, target);
            } finally {
                Mounter.unmountAll(target);
            }
        } finally {
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // an empty directory in the temp dir
            }
        }
    }
}
