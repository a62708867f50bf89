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
        boolean createSource) {}
