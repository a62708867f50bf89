package dev.berth.daemon.container;

import dev.berth.daemon.api.container.ArchiveBackend;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.image.ImageException;
import dev.berth.image.layer.Changes;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code docker cp}, {@code docker export} and {@code docker diff} on the daemon's containers
 * ({@link ArchiveBackend}). Each works on the container's filesystem as
 * {@link ContainerService#withRootfs} hands it out: mounted for the call if the container is
 * stopped. Paths are resolved through a {@link ContainerView} of the root filesystem and the
 * binds, volumes and network files over it ({@link ArchiveMounts}), so they mean what they mean
 * inside the container, stopped or running, and cannot lead out of it.
 *
 * <p>A copy in either direction, and an export, freeze a running container while they walk its
 * files: otherwise a process in it could swap a checked directory for a link to {@code /}
 * between the check and the use, and the kernel, following the link from the daemon's side, would
 * write to or read from the host (moby's CVE-2018-15664, whose first fix was the same pause). A
 * stat does not freeze: the worst a race can do there is show the client another file's mode.
 * The container's lock is held until the tar is sent, as dockerd holds it, so a start or stop
 * waits for a copy.
 */
public final class ContainerArchive implements ArchiveBackend {
    /** Go's {@code os.FileMode} type and special bits, which the docker CLI reads from the path stat. */
    private static final long GO_DIR = 1L << 31;
    private static final long GO_SYMLINK = 1L << 27;
    private static final long GO_DEVICE = 1L << 26;
    private static final long GO_PIPE = 1L << 25;
    private static final long GO_SOCKET = 1L << 24;
    private static final long GO_SETUID = 1L << 23;
    private static final long GO_SETGID = 1L << 22;
    private static final long GO_CHAR = 1L << 21;
    private static final long GO_STICKY = 1L << 20;

    private final ContainerService containers;
    private final Supplier<Snapshotter> snapshots;
    private final EventBus events;

    public ContainerArchive(ContainerService containers, Supplier<Snapshotter> snapshots, EventBus events) {
        this.containers = containers;
        this.snapshots = snapshots;
        this.events = events;
    }

    @Override
    public PathStat stat(String nameOrId, String path) {
        return containers.withRootfs(nameOrId, false, (r, rootfs) -> withVolumes(r,
                () -> stat(nameOrId, path, mounts(r, rootfs).view(rootfs)).stat()));
    }

    @Override
    public void archive(String nameOrId, String path, TarSink sink) throws IOException {
        ContainerRecord done = containers.withRootfs(nameOrId, true, (r, rootfs) -> withVolumes(r, () -> {
            ContainerView view = mounts(r, rootfs).view(rootfs);
            Found f = stat(nameOrId, path, view);
            String name = f.stat().name().equals("/") ? "." : f.stat().name();
            PathTar.write(view, f.resolved().containerPath(), f.resolved().hostPath(), name, sink.open(f.stat()));
            return r;
        }));
        event(done, "archive-path");
    }

    @Override
    public void extract(String nameOrId, String path, boolean noOverwriteDirNonDir, boolean copyUIDGID,
            InputStream tar) throws IOException {
        ContainerRecord done = containers.withRootfs(nameOrId, true, (r, rootfs) -> withVolumes(r, () -> {
            ArchiveMounts mounts = mounts(r, rootfs);
            ContainerView view = mounts.view(rootfs);
            ContainerView.Resolved dest = resolve(nameOrId, path, true, view);
            BasicFileAttributes a = ContainerView.lstat(dest.hostPath());
            if (a == null) {
                throw notFound(nameOrId, path);
            }
            if (!a.isDirectory()) {
                throw ApiException.invalid("extraction point is not a directory");
            }
            mounts.checkWritable(dest.containerPath());
            long[] owner = null;
            String user = r.config().user();
            if (copyUIDGID && user != null && !user.isEmpty()) {
                Spec.User u = UserLookup.resolve(user, rootfs);
                owner = new long[] {u.uid(), u.gid()};
            }
            new ArchiveExtraction(view, dest.containerPath(), noOverwriteDirNonDir, owner).extract(tar);
            return r;
        }));
        event(done, "extract-to-dir");
    }

    @Override
    public void export(String nameOrId, TarSink sink) throws IOException {
        ContainerRecord done = containers.withRootfs(nameOrId, true, (r, rootfs) -> {
            // the root filesystem alone, as dockerd exports it: binds and volumes are not the container's
            ContainerView view = new ContainerView(rootfs, Map.of());
            PathTar.write(view, "/", rootfs, "", sink.open(null));
            return r;
        });
        event(done, "export");
    }

    @Override
    public List<Change> changes(String nameOrId) {
        ContainerRecord r = containers.record(nameOrId);
        try {
            return Changes.of(snapshots.get().mounts(r.snapshot())).stream()
                    .map(c -> new Change(c.path(), c.kind().apiKind())).toList();
        } catch (ImageException e) {
            throw new ApiException(ErrorKind.INTERNAL, "changes of container " + r.id() + ": " + e.getMessage(), e);
        }
    }

    private void event(ContainerRecord r, String action) {
        events.publish(EventType.CONTAINER, action, r.id(), Map.of("name", r.shortName(), "image", r.image()));
    }

    /** A path found in a container: where it is, and its stat. */
    private record Found(ContainerView.Resolved resolved, PathStat stat) {}

    /**
     * Docker's {@code ResolvePath} and {@code StatPath}: the directories on the way are followed,
     * the last component only when the path ends in {@code /} or {@code /.}.
     */
    private static Found stat(String nameOrId, String path, ContainerView view) throws IOException {
        boolean followLast = path.endsWith("/") || path.endsWith("/.") || path.equals(".");
        ContainerView.Resolved r = resolve(nameOrId, path, followLast, view);
        Map<String, Object> unix;
        try {
            unix = Files.readAttributes(r.hostPath(), "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            throw notFound(nameOrId, path);
        }
        int mode = (Integer) unix.get("mode");
        if (followLast && (mode & dev.berth.linux.FileNodes.S_IFMT) != dev.berth.linux.FileNodes.S_IFDIR) {
            // "/etc/passwd/" names a directory, as lstat(2) reads a trailing slash
            throw ApiException.invalid("lstat " + path + ": not a directory");
        }
        String linkTarget = "";
        if ((mode & dev.berth.linux.FileNodes.S_IFMT) == dev.berth.linux.FileNodes.S_IFLNK) {
            linkTarget = resolve(nameOrId, path, true, view).containerPath();
        }
        String mtime = ((FileTime) unix.get("lastModifiedTime")).toInstant().toString();
        return new Found(r, new PathStat(baseName(path), (Long) unix.get("size"), goMode(mode), mtime, linkTarget));
    }

    private static ContainerView.Resolved resolve(String nameOrId, String path, boolean followLast,
            ContainerView view) throws IOException {
        try {
            return view.resolve(path, followLast, false);
        } catch (ContainerView.Unresolvable e) {
            if (e.missing) {
                throw notFound(nameOrId, path);
            }
            throw ApiException.invalid("path " + path + " in container " + nameOrId + ": " + e.getMessage());
        }
    }

    private static ApiException notFound(String nameOrId, String path) {
        return ApiException.notFound("Could not find the file " + path + " in container " + nameOrId);
    }

    /** Go's {@code filepath.Base} of the path made absolute, keeping a trailing {@code /.}: what dockerd names the stat. */
    static String baseName(String path) {
        if (path.endsWith("/.") || path.equals(".")) {
            return ".";
        }
        List<String> c = ContainerView.components(path);
        return c.isEmpty() ? "/" : c.getLast();
    }

    /** Linux's {@code st_mode} as Go's {@code os.FileMode}. */
    static long goMode(int mode) {
        long go = mode & 0777;
        if ((mode & 04000) != 0) {
            go |= GO_SETUID;
        }
        if ((mode & 02000) != 0) {
            go |= GO_SETGID;
        }
        if ((mode & 01000) != 0) {
            go |= GO_STICKY;
        }
        return go | switch (mode & dev.berth.linux.FileNodes.S_IFMT) {
            case dev.berth.linux.FileNodes.S_IFDIR -> GO_DIR;
            case dev.berth.linux.FileNodes.S_IFLNK -> GO_SYMLINK;
            case dev.berth.linux.FileNodes.S_IFCHR -> GO_DEVICE | GO_CHAR;
            case dev.berth.linux.FileNodes.S_IFBLK -> GO_DEVICE;
            case dev.berth.linux.FileNodes.S_IFIFO -> GO_PIPE;
            case dev.berth.linux.FileNodes.S_IFSOCK -> GO_SOCKET;
            default -> 0L;
        };
    }

    /** Work on a container's files that may need its volumes. */
    private interface VolumeWork<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code work} with the volumes of a stopped container mounted, as dockerd mounts them
     * for a copy: a volume bound to a host directory is that directory, not the empty
     * {@code _data} under it. The container's lock is held, so it cannot start meanwhile.
     */
    private <T> T withVolumes(ContainerRecord r, VolumeWork<T> work) throws IOException {
        if (r.state().isRunning()) {
            return work.run(); // mounted while it runs
        }
        containers.volumes().holdMounts(r.id());
        try {
            return work.run();
        } finally {
            containers.volumes().releaseMounts(r.id());
        }
    }

    /** The container as a copy sees it: root filesystem, binds, volumes and network files ({@link ArchiveMounts}). */
    private ArchiveMounts mounts(ContainerRecord r, Path rootfs) {
        return ArchiveMounts.of(r, rootfs, containers.volumes());
    }
}
