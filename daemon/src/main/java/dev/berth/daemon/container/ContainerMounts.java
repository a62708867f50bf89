package dev.berth.daemon.container;

import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code mounts} of a container's spec, in the order dockerd produces them ({@code
 * oci.DefaultSpec} then {@code WithCommonOptions} and {@code WithMounts}):
 *
 * <ol>
 *   <li>Docker's defaults ({@code /proc}, a tmpfs {@code /dev}, {@code /dev/pts}, a read-only
 *       {@code /sys} and {@code /sys/fs/cgroup}, {@code /dev/mqueue}, {@code /dev/shm} sized by
 *       {@code ShmSize}), less any the container mounts something else on (and all of
 *       {@code /dev/*} if it mounts {@code /dev});</li>
 *   <li>{@code /sbin/docker-init} for {@code --init}, read-only;</li>
 *   <li>the container's own mounts and the network files, shallowest destination first so that
 *       {@code /data} is mounted before {@code /data/cache}.</li>
 * </ol>
 * {@code --read-only} makes every mount read-only except the kernel filesystems a process needs
 * to write and those the container asked for; {@code --privileged} makes {@code /sys} and the
 * cgroup tree writable.
 */
final class ContainerMounts {
    static final String INIT_PATH = "/sbin/docker-init";
    static final long DEFAULT_SHM_SIZE = 64L << 20;
    private static final Set<String> WRITABLE_UNDER_READONLY = Set.of("/proc", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev");

    private ContainerMounts() {}

    /** The mounts moby's {@code DefaultLinuxSpec} starts with, in its order. */
    static List<Spec.Mount> defaults() {
        return List.of(
                mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
                mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
                mount("/sys/fs/cgroup", "cgroup", "cgroup", "ro", "nosuid", "noexec", "nodev"),
                mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
                mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777"));
    }

    /**
     * @param points    the container's mounts, from {@link MountPoints}, with volumes named by {@link VolumeResolver#attach}
     * @param volumes   the host paths of volumes
     * @param initBinary the host's init for {@code --init}, or null when not wanted
     */
    static List<Spec.Mount> build(String containerId, HostConfig hc, List<MountPoint> points, NetworkFiles files,
            VolumeResolver volumes, Path initBinary, ContainerNamespaces.Modes modes) {
        List<Spec.Mount> user = new ArrayList<>();
        Set<String> userDestinations = new HashSet<>();
        for (MountPoint mp : points) {
            user.add(toSpec(containerId, mp, volumes));
            userDestinations.add(mp.destination());
        }
        boolean readonlyRoot = hc.isReadonlyRootfs();
        networkFile(user, userDestinations, files.resolvConf(), "/etc/resolv.conf", readonlyRoot);
        networkFile(user, userDestinations, files.hostname(), "/etc/hostname", readonlyRoot);
        networkFile(user, userDestinations, files.hosts(), "/etc/hosts", readonlyRoot);
        if ("host".equals(modes.ipc()) && !userDestinations.contains("/dev/shm")) {
            user.add(new Spec.Mount("/dev/shm", "bind", "/dev/shm", List.of("rbind", "rprivate"), null, null));
            userDestinations.add("/dev/shm");
        }
        // moby sorts by the number of path components; a stable sort keeps the request's order otherwise.
        user.sort(Comparator.comparingInt(m -> depth(m.destination())));

        List<Spec.Mount> out = new ArrayList<>();
        boolean devMounted = userDestinations.contains("/dev");
        long shmSize = hc.shmSize() == null || hc.shmSize() == 0 ? DEFAULT_SHM_SIZE : hc.shmSize();
        for (Spec.Mount m : defaults()) {
            if (userDestinations.contains(m.destination())
                    || (devMounted && m.destination().startsWith("/dev/"))) {
                continue;
            }
            if (m.destination().equals("/dev/shm")) {
                if ("none".equals(modes.ipc())) {
                    continue;
                }
                m = withOption(m, "size=" + shmSize);
            }
            out.add(m);
        }
        if (initBinary != null) {
            out.add(new Spec.Mount(INIT_PATH, "bind", initBinary.toString(), List.of("bind", "ro"), null, null));
        }
        out.addAll(user);

        for (int i = 0; i < out.size(); i++) {
            Spec.Mount m = out.get(i);
            if (readonlyRoot && !WRITABLE_UNDER_READONLY.contains(m.destination())
                    && !userDestinations.contains(m.destination()) && !m.optionsOrEmpty().contains("ro")) {
                out.set(i, withOption(m, "ro"));
            }
        }
        if (hc.isPrivileged()) {
            out.replaceAll(m -> m.destination().equals("/sys") || m.type().equals("cgroup") ? withoutReadonly(m) : m);
        }
        return List.copyOf(out);
    }

    private static Spec.Mount toSpec(String containerId, MountPoint mp, VolumeResolver volumes) {
        if (mp.type().equals("tmpfs")) {
            List<String> options = new ArrayList<>(List.of("noexec", "nosuid", "nodev", "rprivate"));
            if (!mp.tmpfsData().isEmpty()) {
                options.addAll(List.of(mp.tmpfsData().split(",")));
            }
            return new Spec.Mount(mp.destination(), "tmpfs", "tmpfs", TmpfsOptions.merge(options), null, null);
        }
        String source;
        String propagation = mp.propagation() == null ? "rprivate" : mp.propagation();
        if (mp.type().equals("volume")) {
            Path path = volumes.hostPath(mp.source());
            source = (mp.subpath() == null ? path : path.resolve(mp.subpath())).toString();
        } else {
            source = mp.source();
            if (mp.createSource() && !Files.exists(Path.of(source))) {
                // dockerd creates a missing -v (and CreateMountpoint) source as a directory.
                try {
                    Files.createDirectories(Path.of(source));
                } catch (IOException e) {
                    throw new UncheckedIOException("create bind source " + source, e);
                }
            }
        }
        List<String> options = new ArrayList<>();
        options.add(mp.nonRecursive() ? "bind" : "rbind");
        if (!mp.writable()) {
            options.add("ro");
        }
        options.add(propagation);
        return new Spec.Mount(mp.destination(), "bind", source, List.copyOf(options), null, null);
    }

    private static void networkFile(List<Spec.Mount> user, Set<String> userDestinations, Path file, String destination,
            boolean readonlyRoot) {
        if (file == null || userDestinations.contains(destination)) {
            return; // a mount the container asked for at the same place wins, as in dockerd
        }
        List<String> options = readonlyRoot ? List.of("rbind", "ro", "rprivate") : List.of("rbind", "rprivate");
        user.add(new Spec.Mount(destination, "bind", file.toString(), options, null, null));
        userDestinations.add(destination);
    }

    /** Linux rootfs propagation that the mounts need: shared or slave binds need a root that propagates. */
    static String rootfsPropagation(List<MountPoint> points) {
        String result = null;
        for (MountPoint mp : points) {
            String p = mp.propagation();
            if ("shared".equals(p) || "rshared".equals(p)) {
                return "shared";
            }
            if ("slave".equals(p) || "rslave".equals(p)) {
                result = "rslave";
            }
        }
        return result;
    }

    private static int depth(String destination) {
        return (int) MountPoints.clean(destination).chars().filter(c -> c == '/').count();
    }

    private static Spec.Mount mount(String destination, String type, String source, String... options) {
        return new Spec.Mount(destination, type, source, List.of(options), null, null);
    }

    private static Spec.Mount withOption(Spec.Mount m, String option) {
        List<String> options = new ArrayList<>(m.optionsOrEmpty());
        options.add(option);
        return new Spec.Mount(m.destination(), m.type(), m.source(), List.copyOf(options), m.uidMappings(), m.gidMappings());
    }

    private static Spec.Mount withoutReadonly(Spec.Mount m) {
        List<String> options = m.optionsOrEmpty().stream().filter(o -> !o.equals("ro")).toList();
        return new Spec.Mount(m.destination(), m.type(), m.source(), options, m.uidMappings(), m.gidMappings());
    }
}
