package dev.berth.runtime.cli;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * The config.json that {@code spec} writes: runc's example, a busybox-friendly starting point
 * with a read-only root, Docker-like masked paths and three capabilities; {@code --rootless}
 * adds a user namespace mapping the caller's ids and drops what an unprivileged user cannot do.
 */
final class ExampleSpec {
    private ExampleSpec() {}

    static Spec create(boolean rootless, long uid, long gid) {
        List<String> caps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        Spec.Process process = new Spec.Process(true, null, "/",
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"),
                List.of("sh"), null, List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 1024)), null,
                new Spec.Capabilities(caps, caps, null, caps, caps), true, null, null,
                new Spec.User(0, 0, null, null, null), null, null, null);
        List<Spec.Mount> mounts = new ArrayList<>(List.of(
                mount("/proc", "proc", "proc"),
                mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
                mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
                mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
                mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro")));
        List<Linux.Namespace> ns = new ArrayList<>(List.of(new Linux.Namespace("pid", null),
                new Linux.Namespace("network", null), new Linux.Namespace("ipc", null),
                new Linux.Namespace("uts", null), new Linux.Namespace("mount", null),
                new Linux.Namespace("cgroup", null)));
        Linux.Resources resources = new Linux.Resources(
                List.of(new Linux.DeviceRule(false, null, null, null, "rwm")), null, null, null, null, null, null, null, null);
        List<Spec.IdMapping> uidMap = null, gidMap = null;
        if (rootless) {
            ns.removeIf(n -> n.type().equals("network") || n.type().equals("cgroup"));
            ns.add(new Linux.Namespace("user", null));
            uidMap = List.of(new Spec.IdMapping(0, uid, 1));
            gidMap = List.of(new Spec.IdMapping(0, gid, 1));
            mounts.removeIf(m -> m.destination().equals("/sys/fs/cgroup") || m.destination().equals("/sys"));
            mounts.add(mount("/sys", "none", "/sys", "rbind", "nosuid", "noexec", "nodev", "ro"));
            mounts.replaceAll(m -> m.destination().equals("/dev/pts")
                    ? mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")
                    : m);
            resources = null;
        }
        Linux linux = new Linux(ns, uidMap, gidMap, null, null, null, resources, null, null, null,
                List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"),
                List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"), null, null);
        return new Spec("1.2.1", new Spec.Root("rootfs", true), mounts, process, "berth", null, null, null, linux);
    }

    private static Spec.Mount mount(String dest, String type, String source, String... options) {
        return new Spec.Mount(dest, type, source, options.length == 0 ? null : List.of(options), null, null);
    }
}
