package dev.berth.daemon.container;

import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Linux;
import dev.berth.runtime.cgroup.CgroupLayout;
import dev.berth.runtime.seccomp.Arch;
import dev.berth.runtime.seccomp.DockerSeccompProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the host offers its containers, read once when the daemon starts, so that spec generation
 * itself reads nothing of the host but a container's own rootfs and bind sources.
 *
 * @param capabilities      the capabilities the daemon holds (its permitted set): what
 *                          {@code --privileged} and {@code --cap-add ALL} can give
 * @param devices           the host's device nodes, for {@code --privileged}, less the six the
 *                          runtime always creates itself
 * @param cgroupV2          a pure cgroup v2 host, where containers get a cgroup namespace by default
 * @param initBinary        the {@code --init} binary (Debian's tini), or null if not installed
 * @param arch              the seccomp architecture of the host
 * @param kernel            the running kernel, for the seccomp profile's {@code minKernel} rules
 * @param cpus              the number of CPUs, the bound of {@code --cpus}
 * @param hostname          the host's name, which a container on the host network takes by default
 * @param extraMaskedPaths  masked paths that exist only on some hosts (per-CPU {@code thermal_throttle})
 * @param networkSysctls    Docker's default sysctls for a private network namespace that this kernel has
 */
public record HostProfile(
        Set<Capability> capabilities,
        List<Linux.Device> devices,
        boolean cgroupV2,
        Path initBinary,
        Arch arch,
        DockerSeccompProfile.KernelVersion kernel,
        int cpus,
        String hostname,
        List<String> extraMaskedPaths,
        Map<String, String> networkSysctls) {

    /** Devices the runtime creates in every container with root ownership (MACHINE.md: the host's may not be). */
    private static final Set<String> RUNTIME_DEVICES = Set.of(
            "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty");
    /** Not devices of the host's own: other mounts, or per-session nodes (containerd's {@code HostDevices} skips them). */
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");

    public HostProfile {
        capabilities = Set.copyOf(capabilities);
        devices = List.copyOf(devices);
        extraMaskedPaths = List.copyOf(extraMaskedPaths);
        networkSysctls = Map.copyOf(networkSysctls);
    }

    /** Reads this host. */
    public static HostProfile probe() throws IOException {
        Path tini = Files.isExecutable(Path.of("/usr/bin/tini-static")) ? Path.of("/usr/bin/tini-static")
                : Files.isExecutable(Path.of("/usr/bin/tini")) ? Path.of("/usr/bin/tini") : null;
        Map<String, String> sysctls = new LinkedHashMap<>();
        if (Files.exists(Path.of("/proc/sys/net/ipv4/ping_group_range"))) {
            sysctls.put("net.ipv4.ping_group_range", "0 2147483647");
        }
        if (Files.exists(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start"))) {
            sysctls.put("net.ipv4.ip_unprivileged_port_start", "0");
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        List<String> thermal = new ArrayList<>();
        for (int i = 0; i < cpus; i++) {
            String p = "/sys/devices/system/cpu/cpu" + i + "/thermal_throttle";
            if (Files.exists(Path.of(p))) {
                thermal.add(p);
            }
        }
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Arch arch = switch (System.getProperty("os.arch")) {
            case "aarch64" -> Arch.AARCH64;
            default -> Arch.X86_64;
        };
        return new HostProfile(heldCapabilities(Files.readString(Path.of("/proc/self/status"))), hostDevices(Path.of("/dev")),
                CgroupLayout.host().isUnified(), tini, arch, DockerSeccompProfile.KernelVersion.host(), cpus, hostname,
                thermal, sysctls);
    }

    /** The {@code CapPrm} mask of a {@code /proc/<pid>/status}. */
    static Set<Capability> heldCapabilities(String status) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        for (String line : status.split("\n")) {
            if (line.startsWith("CapPrm:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                for (Capability c : Capability.values()) {
                    if ((mask & (1L << c.bit())) != 0) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    /** containerd's {@code HostDevices}: every char and block node under {@code /dev}, symlinks and session dirs skipped. */
    static List<Linux.Device> hostDevices(Path dev) throws IOException {
        List<Linux.Device> out = new ArrayList<>();
        try (var entries = Files.list(dev)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (SKIPPED_DIRS.contains(name) || name.equals("console")) {
                    continue;
                }
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    out.addAll(ContainerDevices.walk(p, "/dev/" + name));
                } else {
                    try {
                        ContainerDevices.node(p, "/dev/" + name).ifPresent(out::add);
                    } catch (IOException e) {
                        // vanished while listing
                    }
                }
            }
        }
        out.removeIf(d -> RUNTIME_DEVICES.contains(d.path()));
        return out;
    }
}
