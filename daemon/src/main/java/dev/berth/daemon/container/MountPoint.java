package dev.berth.daemon.container;

/**
 * One mount a container asked for, parsed from {@code Binds}, {@code Mounts}, {@code Tmpfs} or
 * {@code Config.Volumes} (moby's {@code MountPoint}): where it goes, what it is, and its options.
 *
 * @param destination  the cleaned absolute path in the container
 * @param type         {@code bind}, {@code volume} or {@code tmpfs}
 * @param source       a bind's host path; a volume's name (null for an anonymous one); null for tmpfs
 * @param writable     false for {@code ro}
 * @param propagation  a bind's propagation ({@code rprivate} unless asked)
 * @param nonRecursive a bind that does not take submounts along ({@code bind} rather than {@code rbind})
 * @param tmpfsData    a tmpfs's options as given ({@code size=64m,mode=1777}), or empty
 * @param subpath      a volume's subdirectory to mount, or null
 * @param createSource a bind from {@code -v} whose missing source dockerd creates (a {@code --mount} one is refused)
 * @param mode         the mode as given ({@code ro,z}), which {@code docker inspect} shows as {@code Mode}
 * @param noCopy       a volume that is not filled from the image ({@code nocopy}, {@code VolumeOptions.NoCopy})
 */
public record MountPoint(
        String destination,
        String type,
        String source,
        boolean writable,
        String propagation,
        boolean nonRecursive,
        String tmpfsData,
        String subpath,
        boolean createSource,
        String mode,
        boolean noCopy) {

    /** The same mount point on volume {@code name}: an anonymous one once its volume was made. */
    public MountPoint withSource(String name) {
        return new MountPoint(destination, type, name, writable, propagation, nonRecursive, tmpfsData, subpath,
                createSource, mode, noCopy);
    }

    /** The same mount point at {@code dest}: where the runtime mounts it once links in the image are followed. */
    public MountPoint withDestination(String dest) {
        return new MountPoint(dest, type, source, writable, propagation, nonRecursive, tmpfsData, subpath,
                createSource, mode, noCopy);
    }

    /** The same mount point read-only or writable, as {@code --volumes-from c:ro} asks. */
    public MountPoint withWritable(boolean rw) {
        return new MountPoint(destination, type, source, rw, propagation, nonRecursive, tmpfsData, subpath,
                createSource, mode, noCopy);
    }
}
