package dev.berth.daemon.container;

import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a Docker create request into the OCI runtime spec the runtime runs, with Docker's
 * defaults: what moby builds from {@code oci.DefaultSpec()} and the options of
 * {@code daemon/oci_linux.go}. Each part of the spec comes from one small class (see the
 * package documentation); this class only composes them, in dockerd's order where the order
 * matters (the seccomp profile depends on the capabilities, the mounts on the namespaces).
 *
 * <p>The generator reads nothing of the host but the container's rootfs (for {@code User}) and
 * the sources of its binds and devices; everything else about the host is in the
 * {@link HostProfile} read once at start. Volumes and other containers' namespaces come from the
 * daemon's managers through {@link VolumeResolver} and {@link ContainerPids}.
 *
 * <p>Where Berth deliberately differs from dockerd:
 * <ul>
 *   <li>the NIS domain name goes in the spec's {@code domainname} rather than the
 *       {@code kernel.domainname} sysctl dockerd uses (the field did not exist then);</li>
 *   <li>zero CPU shares and blkio weight are left out rather than written as 0, which runtimes ignore;</li>
 *   <li>sysctls that runc would refuse at start are refused at create;</li>
 *   <li>{@code --cap-drop} of a capability the daemon lacks is accepted (dropping is always safe).</li>
 * </ul>
 */
public final class SpecGenerator {
    /** The OCI runtime spec version Berth's runtime implements. */
    public static final String OCI_VERSION = "1.2.1";
    /** The parent of every container's cgroup (cgroupfs driver), as dockerd's {@code /docker}. */
    public static final String CGROUP_PARENT = "/berth";

    /** moby's {@code defaultLinuxMaskedPaths}, before the per-host ones. */
    static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats",
            "/sys/devices/virtual/powercap", "/sys/firmware");
    /** moby's {@code DefaultLinuxSpec} read-only paths. */
    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final HostProfile host;
    private final VolumeResolver volumes;
    private final ContainerPids pids;

    public SpecGenerator(HostProfile host, VolumeResolver volumes, ContainerPids pids) {
        this.host = host;
        this.volumes = volumes;
        this.pids = pids;
    }

    /**
     * The spec for container {@code id}.
     *
     * @param image   the image's config (null for an image without one, such as {@code scratch} imports)
     * @param request the create request as the client sent it
     * @param rootfs  the container's root filesystem on the host, already prepared (an absolute path)
     * @param files   the hostname, hosts and resolv.conf files to bind
     * @throws InvalidContainerConfigException for a request dockerd would refuse
     */
    public Spec generate(String id, ImageConfig image, CreateRequest request, Path rootfs, NetworkFiles files) {
        return generate(id, image, request, rootfs, files, null);
    }

    /**
     * The spec, joining the network namespace that the daemon set up at {@code networkNamespace}
     * (a pinned namespace; null: the runtime makes one, or the mode says otherwise).
     */
    public Spec generate(String id, ImageConfig image, CreateRequest request, Path rootfs, NetworkFiles files,
            String networkNamespace) {
        HostConfig hc = request.hostConfig();
        CreateChecks.check(request.config(), hc);
        ContainerConfig config = ImageDefaults.merge(request.config(), image == null ? null : image.config());
        ContainerNamespaces.Modes modes = ContainerNamespaces.modes(hc, host.cgroupV2());

        String hostname = hostname(id, config, modes);
        List<Capability> caps = ContainerCapabilities.compute(hc, host.capabilities());
        SecurityOptions security = SecurityOptions.parse(hc.securityOpt());
        boolean init = Boolean.TRUE.equals(hc.init()) && modes.privatePid();
        if (init && host.initBinary() == null) {
            throw new InvalidContainerConfigException("exec: \"docker-init\": executable file not found in $PATH");
        }

        Spec.Process process = new Spec.Process(
                config.isTty() ? true : null,
                consoleSize(config, hc),
                config.workingDir() == null || config.workingDir().isEmpty() ? "/" : config.workingDir(),
                Environment.build(hostname, config.isTty(), config.env()),
                args(config, init),
                null,
                Rlimits.build(hc.ulimits()),
                null,
                ContainerCapabilities.toSpec(caps),
                security.noNewPrivileges() ? true : null,
                hc.oomScoreAdj() == null ? 0 : hc.oomScoreAdj(), // 0, not the daemon's own, as dockerd
                null,
                user(config.user(), hc.groupAdd(), rootfs),
                null, null, null);

        ContainerDevices.Result devices = ContainerDevices.build(hc, host.devices());
        List<MountPoint> points = MountPoints.parse(config, hc);
        boolean unconfinedPaths = hc.isPrivileged() || security.unconfinedSystemPaths();
        Linux linux = new Linux(
                ContainerNamespaces.build(modes, pids, networkNamespace),
                null, null, null,
                devices.devices().isEmpty() ? null : devices.devices(),
                cgroupsPath(id, hc),
                ContainerResources.build(hc, host.cpus(), devices.rules()),
                nullIfEmpty(Sysctls.build(hc, modes, host.networkSysctls())),
                security.seccomp(hc.isPrivileged(), caps, host.arch(), host.kernel()).orElse(null),
                ContainerMounts.rootfsPropagation(points),
                unconfinedPaths ? null : maskedPaths(hc),
                unconfinedPaths ? null : hc.readonlyPaths() != null ? hc.readonlyPaths() : READONLY_PATHS,
                null, null);

        // Last, because it acts on the host (volumes are looked up or created, a missing -v source
        // is made): a request refused above leaves nothing behind.
        List<MountPoint> attached = volumes.attach(id, points, hc.volumesFrom(), rootfs);
        List<Spec.Mount> mounts = ContainerMounts.build(id, hc, attached, files, volumes,
                init ? host.initBinary() : null, modes);

        return new Spec(OCI_VERSION,
                new Spec.Root(rootfs.toString(), hc.isReadonlyRootfs() ? true : null),
                mounts,
                process,
                modes.uts().equals("host") ? null : hostname,
                modes.uts().equals("host") || empty(config.domainname()) ? null : config.domainname(),
                null,
                hc.annotations() == null || hc.annotations().isEmpty() ? null : Map.copyOf(hc.annotations()),
                linux);
    }

    /** dockerd's default hostname: the host's on the host network, else the first 12 characters of the id. */
    static String defaultHostname(String id, ContainerConfig config, ContainerNamespaces.Modes modes) {
        if (!empty(config.hostname())) {
            return config.hostname();
        }
        if (modes.network().equals("host")) {
            return null;
        }
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private String hostname(String id, ContainerConfig config, ContainerNamespaces.Modes modes) {
        String name = defaultHostname(id, config, modes);
        return name == null ? host.hostname() : name;
    }

    /** dockerd's {@code WithConsoleSize}: the client's terminal size, so the first output wraps right. */
    private static Spec.ConsoleSize consoleSize(ContainerConfig config, HostConfig hc) {
        List<Integer> size = hc.consoleSize();
        if (!config.isTty() || size == null || size.size() != 2 || (size.get(0) <= 0 && size.get(1) <= 0)) {
            return null;
        }
        return new Spec.ConsoleSize(size.get(0), size.get(1));
    }

    /** Entrypoint then Cmd; with {@code --init}, behind {@code /sbin/docker-init --}. */
    static List<String> args(ContainerConfig config, boolean init) {
        List<String> args = new ArrayList<>();
        if (init) {
            args.add(ContainerMounts.INIT_PATH);
            args.add("--");
        }
        args.addAll(config.entrypointOrEmpty());
        args.addAll(config.cmdOrEmpty());
        return List.copyOf(args);
    }

    private static Spec.User user(String spec, List<String> groupAdd, Path rootfs) {
        Spec.User user = UserLookup.resolve(spec, rootfs);
        if (groupAdd == null || groupAdd.isEmpty()) {
            return user;
        }
        List<Long> gids = new ArrayList<>(user.additionalGids());
        gids.addAll(UserLookup.additionalGroups(groupAdd, rootfs));
        return new Spec.User(user.uid(), user.gid(), user.umask(), List.copyOf(gids), user.username());
    }

    private List<String> maskedPaths(HostConfig hc) {
        if (hc.maskedPaths() != null) {
            return hc.maskedPaths();
        }
        List<String> out = new ArrayList<>(MASKED_PATHS);
        out.addAll(host.extraMaskedPaths());
        return List.copyOf(out);
    }

    private static String cgroupsPath(String id, HostConfig hc) {
        String parent = empty(hc.cgroupParent()) ? CGROUP_PARENT : hc.cgroupParent();
        if (!parent.startsWith("/")) {
            parent = "/" + parent;
        }
        return MountPoints.clean(parent + "/" + id);
    }

    private static <K, V> Map<K, V> nullIfEmpty(Map<K, V> map) {
        return map.isEmpty() ? null : map;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
