package dev.berth.daemon.api.system;

import dev.berth.runtime.cgroup.CgroupLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Facts about the host that {@code /version} and {@code /info} report, read once when the daemon
 * starts: kernel and distribution from {@code /proc} and {@code /etc/os-release}, and what the
 * cgroup hierarchies allow (the same {@link CgroupLayout} the runtime drives).
 *
 * @param goArch the architecture as Go names it ({@code amd64}), which {@code /version} uses
 * @param machine the architecture as {@code uname -m} names it ({@code x86_64}), which {@code /info} uses
 */
public record HostFacts(SystemInfo.Host host, SystemInfo.Features features, String goArch, String machine) {
    private static final Logger LOG = Logger.getLogger(HostFacts.class.getName());

    /** Reads this host. */
    public static HostFacts probe() {
        String machine = machine(System.getProperty("os.arch"));
        Map<String, String> osRelease = osRelease(Path.of("/etc/os-release"));
        SystemInfo.Host host = new SystemInfo.Host(
                read("/proc/sys/kernel/osrelease", ""),
                osRelease.getOrDefault("PRETTY_NAME", "Linux"),
                osRelease.getOrDefault("VERSION_ID", ""),
                "linux",
                machine,
                Runtime.getRuntime().availableProcessors(),
                memTotal(),
                read("/proc/sys/kernel/hostname", "localhost"),
                proxy("HTTP_PROXY"), proxy("HTTPS_PROXY"), proxy("NO_PROXY"));
        return new HostFacts(host, probeFeatures(), goArch(machine), machine);
    }

    static SystemInfo.Features probeFeatures() {
        boolean forwarding = "1".equals(read("/proc/sys/net/ipv4/ip_forward", "0"));
        CgroupLayout layout;
        try {
            layout = CgroupLayout.host();
        } catch (IOException e) {
            LOG.warning("cannot read the cgroup layout: " + e.getMessage());
            return new SystemInfo.Features(false, false, false, false, false, false, false, false, forwarding,
                    "cgroupfs", "1");
        }
        return features(layout, forwarding);
    }

    /** What a cgroup layout allows: v1 by its hierarchies and files, v2 by its controllers. */
    static SystemInfo.Features features(CgroupLayout layout, boolean forwarding) {
        if (layout.isUnified()) {
            CgroupLayout.Hierarchy u = layout.unified();
            boolean memory = u.has("memory");
            boolean cpu = u.has("cpu");
            return new SystemInfo.Features(memory, memory, cpu, cpu, cpu, u.has("cpuset"), u.has("pids"), false,
                    forwarding, "cgroupfs", "2");
        }
        Path memory = mountOf(layout, "memory");
        Path cpu = mountOf(layout, "cpu");
        return new SystemInfo.Features(
                memory != null,
                memory != null && Files.exists(memory.resolve("memory.memsw.limit_in_bytes")),
                cpu != null && Files.exists(cpu.resolve("cpu.cfs_period_us")),
                cpu != null && Files.exists(cpu.resolve("cpu.cfs_quota_us")),
                cpu != null && Files.exists(cpu.resolve("cpu.shares")),
                mountOf(layout, "cpuset") != null,
                mountOf(layout, "pids") != null,
                memory != null && Files.exists(memory.resolve("memory.oom_control")),
                forwarding, "cgroupfs", "1");
    }

    private static Path mountOf(CgroupLayout layout, String controller) {
        for (CgroupLayout.Hierarchy h : layout.v1()) {
            if (h.has(controller)) {
                return h.mountPoint();
            }
        }
        return null;
    }

    /** Java's {@code os.arch} as {@code uname -m} says it. */
    static String machine(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386" -> "i686";
            default -> osArch;
        };
    }

    /** {@code uname -m} as Go's GOARCH says it. */
    static String goArch(String machine) {
        return switch (machine) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "i686" -> "386";
            case "ppc64le", "s390x", "riscv64" -> machine;
            default -> machine.toLowerCase(Locale.ROOT);
        };
    }

    static Map<String, String> osRelease(Path file) {
        Map<String, String> out = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    String v = line.substring(eq + 1).trim();
                    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                        v = v.substring(1, v.length() - 1);
                    }
                    out.put(line.substring(0, eq).trim(), v);
                }
            }
        } catch (IOException e) {
            // no os-release: a minimal host; "Linux" it is
        }
        return out;
    }

    private static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    String[] f = line.split("\\s+");
                    return Long.parseLong(f[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 0;
    }

    private static String proxy(String name) {
        String v = System.getenv(name);
        if (v == null) {
            v = System.getenv(name.toLowerCase(Locale.ROOT));
        }
        return v == null ? "" : v;
    }

    static String read(String file, String fallback) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return fallback;
        }
    }
}
