package dev.berth.daemon.container;

import dev.berth.daemon.http.ApiException;
import dev.berth.oci.runtime.RootfsPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mounts that {@code docker cp} and the archive endpoints go through, as dockerd's
 * {@code openContainerFS} sets them up: every bind and volume of the container (named,
 * anonymous, {@code --volumes-from}) over its root filesystem, and the hostname, hosts and
 * resolv.conf files the daemon binds over the image's. A tmpfs is left out, as dockerd leaves it
 * out: it lives in the running container's mount namespace only, so a copy reads and writes the
 * directory under it, stopped or running alike.
 *
 * <p>A copy into a container is refused where the container could not write either (dockerd's
 * {@code checkWritablePath}): under a read-only bind or volume, or, outside every bind and
 * volume, when the root filesystem is read-only. The network files are not the container's own
 * mounts there, and follow the root filesystem, as in dockerd.
 */
final class ArchiveMounts {
    private static final String NETWORK_FILES_PREFIX = "/etc/";

    /** A bind or volume: the container path it is mounted at, the host path, and whether it is writable. */
    record Mounted(String destination, Path source, boolean writable) {}

    private final List<Mounted> mounts = new ArrayList<>();
    private final Map<String, Path> bound = new HashMap<>();
    private final boolean readonlyRootfs;

    /**
     * @param points         the container's mount points, volumes named ({@link VolumeResolver#attach} recorded them)
     * @param networkFiles   file name ({@code hosts}, …) to the host file bound at {@code /etc/<name>}
     * @param readonlyRootfs {@code --read-only}
     * @param volumes        where the volumes' data is
     */
    ArchiveMounts(List<MountPoint> points, Map<String, Path> networkFiles, boolean readonlyRootfs,
            VolumeResolver volumes) {
        this.readonlyRootfs = readonlyRootfs;
        networkFiles.forEach((name, file) -> bound.put(NETWORK_FILES_PREFIX + name, file));
        for (MountPoint mp : points) {
            Path source = switch (mp.type()) {
                case "bind" -> mp.source() == null ? null : Path.of(mp.source());
                case "volume" -> mp.source() == null ? null : volumeData(volumes.hostPath(mp.source()), mp.subpath());
                default -> null; // tmpfs: the directory under it, as dockerd sees it
            };
            if (source != null) {
                mounts.add(new Mounted(mp.destination(), source, mp.writable()));
                bound.put(mp.destination(), source); // a mount asked for at /etc/hosts wins over the daemon's file
            }
        }
    }

    /** The mounts of container {@code r} over its mounted {@code rootfs}, beside which are the network files. */
    static ArchiveMounts of(ContainerRecord r, Path rootfs, VolumeResolver volumes) {
        Path containerDir = rootfs.getParent();
        Map<String, Path> files = new HashMap<>();
        String network = r.hostConfig().networkMode() == null ? "" : r.hostConfig().networkMode();
        if (!network.startsWith("container:")) { // that container's files are bound instead, and not ours to copy
            for (String f : List.of("hostname", "hosts", "resolv.conf")) {
                if (Files.exists(containerDir.resolve(f))) {
                    files.put(f, containerDir.resolve(f));
                }
            }
        }
        // a container made before the volume manager was given recorded nothing: its binds are in its config
        List<MountPoint> points = volumes.attached(r.id()).orElseGet(() -> MountPoints.parse(r.config(), r.hostConfig())
                .stream().filter(mp -> mp.type().equals("bind")).toList());
        return new ArchiveMounts(inRootfs(points, rootfs), files, r.hostConfig().isReadonlyRootfs(), volumes);
    }

    /**
     * The mount points at the places the runtime mounts them: it resolves each destination
     * inside the root filesystem ({@link RootfsPath}), so a volume at {@code /var/run/x} in an
     * image where {@code /var/run -> /run} is mounted at {@code /run/x}, which is where a path
     * that the copy resolves (links followed) arrives.
     */
    static List<MountPoint> inRootfs(List<MountPoint> points, Path rootfs) {
        List<MountPoint> out = new ArrayList<>();
        for (MountPoint mp : points) {
            String destination = mp.destination();
            try {
                destination = "/" + rootfs.relativize(RootfsPath.resolve(rootfs, destination));
            } catch (IOException e) {
                // a link loop: the runtime refused to mount there, nothing of it is to be seen
            }
            out.add(destination.equals(mp.destination()) ? mp : mp.withDestination(MountPoints.clean(destination)));
        }
        return out;
    }

    /** The container's filesystem over {@code rootfs}, with these mounts. */
    ContainerView view(Path rootfs) {
        return new ContainerView(rootfs, bound);
    }

    List<Mounted> mounts() {
        return List.copyOf(mounts);
    }

    /**
     * Refuses a copy into {@code containerPath} (resolved, links followed) where the container
     * could not write: the innermost bind or volume that holds it decides, as the kernel would.
     */
    void checkWritable(String containerPath) {
        Mounted holder = null;
        for (Mounted m : mounts) {
            if (covers(m.destination(), containerPath)
                    && (holder == null || m.destination().length() > holder.destination().length())) {
                holder = m;
            }
        }
        if (holder != null ? !holder.writable() : readonlyRootfs) {
            // 400 with dockerd's words: the CLI shows them as they are
            throw ApiException.invalid(holder != null ? "mounted volume is marked read-only"
                    : "container rootfs is marked read-only");
        }
    }

    static boolean covers(String destination, String path) {
        return path.equals(destination) || path.startsWith(destination.equals("/") ? "/" : destination + "/");
    }

    private static Path volumeData(Path data, String subpath) {
        return subpath == null || subpath.isEmpty() ? data : data.resolve(subpath);
    }
}
