package dev.berth.daemon.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The volume manager as the containers see it. At create, {@link #attach} binds a container's
 * mount points to volumes (a named volume is made if missing, an anonymous one is made for a
 * mount point without a name, {@code --volumes-from} adds another container's mount points),
 * fills new volumes from the image and records the result; every later start gets the same
 * recorded mount points back, so an anonymous volume is made once and kept. {@link #detach}
 * ends the binding when the container is removed (or its create fails).
 *
 * <p>{@link #none()} stands in where there is no volume manager: binds and tmpfs work, volumes
 * are refused.
 */
public interface VolumeResolver {
    /**
     * The container's mount points with every volume named, made on the first call for a
     * container and recorded, read back on later calls.
     *
     * @param requested   the mount points parsed from the create request
     * @param volumesFrom {@code HostConfig.VolumesFrom} ({@code container[:ro|rw]}), or null
     * @param rootfs      the container's mounted root filesystem, from which new volumes are filled
     * @throws InvalidContainerConfigException for a bad volume name or {@code --volumes-from} mode
     */
    List<MountPoint> attach(String containerId, List<MountPoint> requested, List<String> volumesFrom, Path rootfs);

    /** The host directory that holds volume {@code name}'s data. */
    Path hostPath(String name);

    /** Ends the container's use of its volumes; with {@code removeAnonymous}, removes its anonymous ones ({@code rm -v}, {@code --rm}). */
    default void detach(String containerId, boolean removeAnonymous) {}

    /**
     * The container's mount points as {@link #attach} recorded them (every volume named), or
     * empty when nothing was recorded for it.
     */
    default Optional<List<MountPoint>> attached(String containerId) {
        return Optional.empty();
    }

    /** The container's mounts as {@code docker inspect} shows them ({@code MountPoint} of the API). */
    default List<Map<String, Object>> mountsOf(String containerId) {
        return List.of();
    }

    /**
     * Mounts the container's volumes that have a filesystem of their own (the local driver's
     * {@code type}/{@code device} options), held for it until {@link #releaseMounts}: what a start
     * does through {@link #attach}, and what a copy into a stopped container does, as dockerd
     * mounts a stopped container's volumes for {@code docker cp}.
     */
    default void holdMounts(String containerId) {}

    /** Lets the mounts of {@link #holdMounts} go: the container stopped, its start failed, or a copy ended. */
    default void releaseMounts(String containerId) {}

    /** The container started (or stopped) with its volumes mounted: the volume events dockerd sends. */
    default void mounted(String containerId, boolean mounted) {}

    /** A resolver that refuses every volume: for callers that have no volume manager. */
    static VolumeResolver none() {
        return new VolumeResolver() {
            @Override
            public List<MountPoint> attach(String id, List<MountPoint> requested, List<String> volumesFrom, Path rootfs) {
                if (volumesFrom != null && !volumesFrom.isEmpty()) {
                    throw new InvalidContainerConfigException("volumes-from is not supported yet");
                }
                for (MountPoint mp : requested) {
                    if (mp.type().equals("volume")) {
                        throw new InvalidContainerConfigException("volumes are not supported yet: " + mp.destination());
                    }
                }
                return requested;
            }

            @Override
            public Path hostPath(String name) {
                throw new InvalidContainerConfigException("volumes are not supported yet: " + name);
            }
        };
    }
}
