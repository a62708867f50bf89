package dev.berth.daemon.container;

import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Mount;
import dev.berth.image.snapshot.Mounter;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Docker's init layer: a committed snapshot between a container's image and its writable layer
 * that holds the mount points every container needs ({@code /proc}, {@code /sys}, {@code /dev},
 * the hostname, hosts and resolv.conf files, {@code /.dockerenv}). Without it the runtime would
 * make them in the writable layer at the first start, and {@code docker diff} and
 * {@code docker commit} would show and keep them as the container's own changes.
 *
 * <p>The layer is named {@code <container id>-init}; the snapshot store's garbage collector
 * leaves it alone (its name is not a chain ID), and it goes when its container goes. Paths are
 * made through a {@link ContainerView}, so an image whose {@code /etc} is a link cannot make the
 * daemon write outside the snapshot.
 */
final class InitLayer {
    /** Docker's {@code initlayer.Setup}: the path, and whether it is a directory (else an empty file). */
    private static final Map<String, Boolean> PATHS = Map.of("/dev/pts", true, "/dev/shm", true, "/proc", true,
            "/sys", true, "/.dockerenv", false, "/etc/resolv.conf", false, "/etc/hosts", false,
            "/etc/hostname", false, "/dev/console", false);

    private InitLayer() {}

    static String nameOf(String containerId) {
        return containerId + "-init";
    }

    /**
     * Makes the init layer of container {@code id} on the image's top layer {@code parent}
     * (null: none), mounting it at {@code mountpoint} meanwhile; returns its name, the parent of
     * the container's writable layer. Nothing is left if it fails.
     */
    static String create(Snapshotter snapshots, String id, String parent, Path mountpoint) throws ImageException,
            IOException {
        String name = nameOf(id);
        String key = name + "-prepare";
        boolean done = false;
        try {
            List<Mount> mounts = snapshots.prepare(key, parent, Map.of("berth.container", id));
            Files.createDirectories(mountpoint);
            Mounter.mountAll(mounts, mountpoint);
            try {
                fill(mountpoint);
            } finally {
                Mounter.unmountAll(mountpoint);
            }
            snapshots.commit(name, key, Map.of("berth.container", id));
            done = true;
            return name;
        } finally {
            if (!done) {
                quietlyRemove(snapshots, key);
            }
        }
    }

    /** Removes the init layer of container {@code id}, if it has one (containers made before it existed do not). */
    static void remove(Snapshotter snapshots, String id) {
        quietlyRemove(snapshots, nameOf(id));
    }

    private static void quietlyRemove(Snapshotter snapshots, String key) {
        try {
            snapshots.remove(key);
        } catch (ImageException e) {
            // NOT_FOUND: never made; anything else is swept with the container's directory
        }
    }

    private static void fill(Path root) throws IOException {
        ContainerView view = new ContainerView(root, Map.of());
        for (Map.Entry<String, Boolean> p : PATHS.entrySet()) {
            make(view, p.getKey(), p.getValue());
        }
        try {
            Path mtab = view.resolve("/etc/mtab", false, true).hostPath();
            if (ContainerView.lstat(mtab) == null) {
                FileNodes.symlink("/proc/mounts", mtab);
            }
        } catch (ContainerView.Unresolvable | ErrnoException e) {
            // an image whose /etc is not a directory: nothing to put there
        }
    }

    private static void make(ContainerView view, String path, boolean directory) throws IOException {
        Path host;
        try {
            host = view.resolve(path, false, true).hostPath();
        } catch (ContainerView.Unresolvable e) {
            return; // a parent that is a file in the image: the runtime will say so at start, as runc does
        }
        if (ContainerView.lstat(host) != null) {
            return;
        }
        if (directory) {
            Files.createDirectory(host);
            dev.berth.linux.FileModes.chmod(host, 0755);
        } else {
            Files.createFile(host);
            dev.berth.linux.FileModes.chmod(host, 0755);
        }
    }
}
