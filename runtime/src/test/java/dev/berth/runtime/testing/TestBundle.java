package dev.berth.runtime.testing;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An OCI bundle for tests: a root filesystem made of the host's busybox-static (every applet
 * as a symlink in /bin) and a config.json close to what {@code runc spec} writes, without a
 * terminal. Tests change the spec through {@link #edit}.
 */
public final class TestBundle {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private final Path dir;
    private Spec spec;

    private TestBundle(Path dir, Spec spec) {
        this.dir = dir;
        this.spec = spec;
    }

    public static TestBundle busybox(Path dir, String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException("/bin/busybox is missing: apt-get install busybox-static (scripts/install-deps)");
        }
        Path bin = dir.resolve("rootfs/bin");
        Files.createDirectories(bin);
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        List<String> applets = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor();
        for (String a : applets) {
            if (!a.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
            }
        }
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root")) {
            Files.createDirectories(dir.resolve("rootfs").resolve(d));
        }
        Files.writeString(dir.resolve("rootfs/etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        return new TestBundle(dir, defaultSpec(List.of(args.length == 0 ? new String[] {"true"} : args)));
    }

    public Path path() {
        return dir;
    }

    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    public Spec spec() {
        return spec;
    }

    public TestBundle edit(UnaryOperator<Spec> change) throws IOException {
        spec = change.apply(spec);
        return write();
    }

    /**
     * Changes the spec as config.json text, the way the spec documents read: {@code
     * j.with("linux").put("hostname", "x")}. The result is parsed (and so checked) again.
     */
    public TestBundle json(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change)
            throws IOException {
        var mapper = OciJson.mapper();
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(OciJson.write(spec));
        change.accept(tree);
        try {
            spec = OciJson.readSpec(mapper.writeValueAsBytes(tree));
        } catch (dev.berth.oci.runtime.InvalidSpecException e) {
            throw new IllegalArgumentException("test spec is invalid: " + e.getMessage(), e);
        }
        return write();
    }

    public TestBundle args(String... args) throws IOException {
        return edit(s -> withProcess(s, process(s.process(), List.of(args))));
    }

    public TestBundle write() throws IOException {
        Files.write(dir.resolve("config.json"), OciJson.write(spec));
        return this;
    }

    public static Spec withProcess(Spec s, Spec.Process p) {
        return new Spec(s.ociVersion(), s.root(), s.mounts(), p, s.hostname(), s.domainname(), s.hooks(),
                s.annotations(), s.linux());
    }

    public static Spec withLinux(Spec s, Linux l) {
        return new Spec(s.ociVersion(), s.root(), s.mounts(), s.process(), s.hostname(), s.domainname(), s.hooks(),
                s.annotations(), l);
    }

    public static Spec.Process process(Spec.Process p, List<String> args) {
        return new Spec.Process(p.terminal(), p.consoleSize(), p.cwd(), p.env(), args, p.commandLine(), p.rlimits(),
                p.apparmorProfile(), p.capabilities(), p.noNewPrivileges(), p.oomScoreAdj(), p.selinuxLabel(),
                p.user(), p.scheduler(), p.ioPriority(), p.execCPUAffinity());
    }

    /** Docker's default capability set, which runc-style callers pass. */
    public static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    static Spec defaultSpec(List<String> args) {
        Spec.Process p = new Spec.Process(false, null, "/", List.of("PATH=/bin", "HOME=/root"), args, null,
                List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 1024)), null,
                new Spec.Capabilities(DEFAULT_CAPS, DEFAULT_CAPS, null, DEFAULT_CAPS, null), true, null, null,
                new Spec.User(0, 0, null, null, null), null, null, null);
        List<Spec.Mount> mounts = new ArrayList<>(List.of(
                new Spec.Mount("/proc", "proc", "proc", null, null, null),
                new Spec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"), null, null),
                new Spec.Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"), null, null),
                new Spec.Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"), null, null),
                new Spec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"), null, null),
                new Spec.Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"), null, null),
                new Spec.Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"), null, null)));
        Linux linux = new Linux(
                List.of(new Linux.Namespace("pid", null), new Linux.Namespace("network", null),
                        new Linux.Namespace("ipc", null), new Linux.Namespace("uts", null),
                        new Linux.Namespace("mount", null)),
                null, null, null, null, null,
                new Linux.Resources(List.of(new Linux.DeviceRule(false, null, null, null, "rwm")), null, null, null, null, null, null, null, null),
                null, null, null,
                List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"),
                List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"), null, null);
        return new Spec("1.2.1", new Spec.Root("rootfs", true), mounts, p, "berth-test", null, null, null, linux);
    }
}
