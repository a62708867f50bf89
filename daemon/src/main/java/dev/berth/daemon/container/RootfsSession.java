package dev.berth.daemon.container;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Mounter;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.linux.MountInfo;
import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One piece of work on a container's root filesystem, for the file routes and commit: a running
 * container's as it is mounted, a stopped one's mounted at {@code containers/<id>/rootfs} for the
 * work and unmounted after, so that nothing stays mounted. With {@code freeze}, a running
 * container is frozen meanwhile (a paused one stays as it is) so that its processes change nothing
 * under the work. The caller holds the container's lock, which keeps a start, stop or exit out.
 */
final class RootfsSession {
    /** The work: given the container and where its root filesystem is mounted. */
    @FunctionalInterface
    interface Work<T> {
        T run(ContainerRecord container, Path rootfs) throws IOException;
    }

    private RootfsSession() {}

    static <T> T run(ContainerRecord r, Path rootfs, Snapshotter snapshots, ContainerRunner runner, boolean freeze,
            Work<T> work) {
        boolean mounted = false;
        boolean frozen = false;
        try {
            if (!MountInfo.isMountPoint(rootfs)) {
                Files.createDirectories(rootfs);
                Mounter.mountAll(snapshots.mounts(r.snapshot()), rootfs);
                mounted = true;
            }
            if (freeze && r.state().status().equals("running")) {
                runner.freeze(r.id(), true);
                frozen = true;
            }
            return work.run(r, rootfs);
        } catch (ImageException | IOException | RuntimeFailure e) {
            throw new ApiException(ErrorKind.INTERNAL, "container " + r.id() + ": " + e.getMessage(), e);
        } finally {
            if (frozen) {
                try {
                    runner.freeze(r.id(), false);
                } catch (RuntimeFailure | IOException e) {
                    log("thaw " + r.id() + ": " + e.getMessage());
                }
            }
            if (mounted) {
                try {
                    Mounter.unmountAll(rootfs);
                } catch (ImageException e) {
                    log("unmount " + rootfs + ": " + e.getMessage());
                }
            }
        }
    }

    private static void log(String message) {
        System.getLogger(RootfsSession.class.getName()).log(System.Logger.Level.WARNING, message);
    }
}
