package dev.berth.image.snapshot;

import dev.berth.image.ImageException;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.MountInfo;
import dev.berth.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A temporary directory for tests that mount: mount points live under it, and {@link #close}
 * unmounts whatever is still mounted there (checking {@code /proc/self/mountinfo}) before it
 * deletes the tree, so a failing test leaves neither mounts nor files behind.
 */
public final class Scratch implements AutoCloseable {
    private final Path root;

    private Scratch(Path root) {
        this.root = root;
    }

    public static Scratch create(String prefix) throws IOException {
        return new Scratch(Files.createTempDirectory(prefix).toRealPath());
    }

    public Path root() {
        return root;
    }

    /** {@code root/relative}, created as a directory. */
    public Path dir(String relative) throws IOException {
        return Files.createDirectories(root.resolve(relative));
    }

    /** Mounts {@code mounts} on a fresh directory {@code root/mnt/name}. */
    public Path mount(List<Mount> mounts, String name) throws IOException, ImageException {
        Path target = dir("mnt/" + name);
        Mounter.mountAll(mounts, target);
        return target;
    }

    public void unmount(Path target) throws ImageException {
        Mounter.unmountAll(target);
    }

    /** Unmounts everything below the root, deepest first, then deletes the tree. */
    @Override
    public void close() throws IOException {
        List<MountInfo> left = MountInfo.under(root);
        for (int i = left.size() - 1; i >= 0; i--) {
            try {
                Mounts.unmount(left.get(i).mountPoint(), Mounts.MNT_DETACH);
            } catch (ErrnoException e) {
                // already gone with its parent mount
            }
        }
        List<MountInfo> still = MountInfo.under(root);
        if (!still.isEmpty()) {
            throw new AssertionError("mounts left under " + root + ": " + still);
        }
        SnapshotCatalog.deleteTree(root);
    }
}
