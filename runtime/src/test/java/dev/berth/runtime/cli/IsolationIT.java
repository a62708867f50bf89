package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.testing.Cli;
import dev.berth.runtime.testing.TestBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What config.md and config-linux.md require, checked from inside the container with busybox:
 * namespaces, hostname, mounts, devices, masked and read-only paths, user, capabilities,
 * rlimits, no_new_privs, seccomp, cwd, env, and that no host descriptor leaks in.
 */
@RequiresRoot
class IsolationIT {
    @TempDir
    Path tmp;

    private Cli cli;
    private TestBundle bundle;
    private final String id = "iso-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("state"));
        bundle = TestBundle.busybox(tmp.resolve("bundle")).write();
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("delete", "--force", id);
    }

    private String inside(String script) throws Exception {
        bundle.args("sh", "-c", script);
        var r = cli.run("run", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).as("exit of %s; stderr: %s", script, r.err()).isZero();
        return r.out().trim();
    }

    @Test
    void pidNamespaceMakesTheProcessPidOneAndHidesTheHost() throws Exception {
        // sh is pid 1 and, globbing /proc itself, sees no other process: none of the host's.
        // (Counting through a pipeline raced: ls could list /proc before grep was forked.)
        assertThat(inside("echo $$; set -- /proc/[0-9]*; echo $# $1")).isEqualTo("1\n1 /proc/1");
    }

    @Test
    void hostnameAndUtsNamespace() throws Exception {
        assertThat(inside("hostname")).isEqualTo("berth-test");
    }

    @Test
    void rootIsReadOnlyAndTheRootfsIsTheRoot() throws Exception {
        assertThat(inside("touch /x 2>&1; ls /bin/busybox; test -e /proc/self/root/etc/passwd && echo ok"))
                .isEqualTo("touch: /x: Read-only file system\n/bin/busybox\nok");
    }

    @Test
    void defaultDevicesExistAndWork() throws Exception {
        String out = inside("ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty | "
                + "awk '{print $1, $5, $6}'; head -c 3 /dev/zero | wc -c; echo x > /dev/null && echo null-ok; "
                + "readlink /dev/fd; readlink /dev/ptmx");
        assertThat(out).isEqualTo("""
                crw-rw-rw- 1, 7
                crw-rw-rw- 1, 3
                crw-rw-rw- 1, 8
                crw-rw-rw- 5, 0
                crw-rw-rw- 1, 9
                crw-rw-rw- 1, 5
                3
                null-ok
                /proc/self/fd
                pts/ptmx""");
    }

    @Test
    void maskedAndReadOnlyPaths() throws Exception {
        // /proc/kcore does not exist on this kernel; /proc/keys does and is masked by default.
        String out = inside("wc -c < /proc/keys; ls /sys/firmware | wc -l; "
                + "echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo ro-sys; "
                + "echo b > /proc/sysrq-trigger 2>/dev/null || echo ro-sysrq");
        assertThat(out).isEqualTo("0\n0\nro-sys\nro-sysrq");
    }

    @Test
    void capabilitiesNoNewPrivsAndSeccompAreSet() throws Exception {
        bundle.edit(s -> TestBundle.withLinux(s, withSeccomp(s.linux())));
        String out = inside("grep -E '^(CapEff|CapBnd|CapPrm|CapInh|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status");
        // Docker's default set: chown dac_override fowner fsetid kill setgid setuid setpcap
        // net_bind_service net_raw sys_chroot mknod audit_write setfcap = 0xa80425fb
        assertThat(out).isEqualTo("""
                CapInh:\t0000000000000000
                CapPrm:\t00000000a80425fb
                CapEff:\t00000000a80425fb
                CapBnd:\t00000000a80425fb
                CapAmb:\t0000000000000000
                NoNewPrivs:\t1
                Seccomp:\t2""");
    }

    @Test
    void seccompDeniesWhatTheProfileDenies() throws Exception {
        bundle.edit(s -> TestBundle.withLinux(s, withSeccomp(s.linux())));
        // mkdir is refused with EPERM by the rule below; everything else is allowed.
        assertThat(inside("mkdir /tmp/x 2>&1; echo done")).isEqualTo("mkdir: can't create directory '/tmp/x': Operation not permitted\ndone");
    }

    @Test
    void userGroupsCwdEnvAndRlimits() throws Exception {
        bundle.edit(s -> TestBundle.withProcess(s, new Spec.Process(false, null, "/tmp",
                List.of("PATH=/bin", "GREETING=hi there"), List.of("sh", "-c", "id -u; id -g; id -G; pwd; echo $GREETING; ulimit -n; ulimit -Hn"),
                null, List.of(new Spec.Rlimit("RLIMIT_NOFILE", 512, 256)), null, null, true, null, null,
                new Spec.User(1000, 1001, null, List.of(10L, 20L), null), null, null, null)));
        var r = cli.run("run", "--bundle", bundle.path().toString(), id);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("1000\n1001\n1001 10 20\n/tmp\nhi there\n256\n512\n");
    }

    @Test
    void noHostFileDescriptorLeaksIn() throws Exception {
        // ls opens the directory itself as fd 3; anything beyond would be a leak (CVE-2024-21626).
        assertThat(inside("ls /proc/self/fd")).isEqualTo("0\n1\n2\n3");
    }

    @Test
    void sysctlsAreWrittenInTheContainersNamespaces() throws Exception {
        bundle.edit(s -> TestBundle.withLinux(s, new Linux(s.linux().namespaces(), null, null, null, null, null,
                s.linux().resources(), Map.of("net.ipv4.ip_forward", "1", "kernel.shmmax", "123456"), null, null,
                null, null, null, null)));
        assertThat(inside("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax")).isEqualTo("1\n123456");
        // in one read(2): integer sysctls answer a read at a non-zero offset with end-of-file, so
        // Files.readString, which reads a size-0 file in steps, would see only the first digit
        String hostShmmax = dev.berth.runtime.plan.HostFacts.readSysctl(Path.of("/proc/sys/kernel/shmmax"));
        assertThat(hostShmmax).hasSizeGreaterThan(1).isNotEqualTo("123456");
    }

    @Test
    void mountsAreAppliedWithTheirOptions() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "from host\n");
        bundle.edit(s -> {
            var mounts = new java.util.ArrayList<>(s.mounts());
            mounts.add(new Spec.Mount("/data", "bind", data.toString(), List.of("rbind", "ro"), null, null));
            mounts.add(new Spec.Mount("/scratch", "tmpfs", "tmpfs", List.of("size=1m", "noexec"), null, null));
            return new Spec(s.ociVersion(), s.root(), mounts, s.process(), s.hostname(), null, null, null, s.linux());
        });
        String out = inside("cat /data/f; touch /data/g 2>&1; grep -E ' /(data|scratch) ' /proc/self/mounts | cut -d' ' -f2-4");
        assertThat(out).startsWith("from host\ntouch: /data/g: Read-only file system\n");
        assertThat(out).contains("/data ext4 ro,");
        assertThat(out).containsPattern("/scratch tmpfs rw,.*noexec");
        assertThat(Files.exists(data.resolve("g"))).isFalse();
    }

    static Linux withSeccomp(Linux l) {
        var seccomp = new Linux.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                null, null, null, List.of(new Linux.Syscall(List.of("mkdir", "mkdirat"), "SCMP_ACT_ERRNO", 1, null)));
        return new Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.devices(),
                l.cgroupsPath(), l.resources(), l.sysctl(), seccomp, l.rootfsPropagation(), l.maskedPaths(),
                l.readonlyPaths(), l.mountLabel(), l.personality());
    }
}
