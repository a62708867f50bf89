package dev.berth.daemon.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.cgroup.CgroupLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsTest {
    @TempDir
    Path dir;

    @Test
    void hybridV1HostAsOnBerthsMachines() throws Exception {
        Path memory = Files.createDirectories(dir.resolve("memory"));
        Path cpu = Files.createDirectories(dir.resolve("cpu,cpuacct"));
        Files.createDirectories(dir.resolve("pids"));
        Files.createFile(memory.resolve("memory.oom_control"));
        Files.createFile(cpu.resolve("cpu.cfs_period_us"));
        Files.createFile(cpu.resolve("cpu.cfs_quota_us"));
        Files.createFile(cpu.resolve("cpu.shares"));
        String mountinfo = String.join("\n",
                "30 25 0:26 / " + memory + " rw - cgroup cgroup rw,memory",
                "31 25 0:27 / " + cpu + " rw - cgroup cgroup rw,cpu,cpuacct",
                "32 25 0:28 / " + dir.resolve("pids") + " rw - cgroup cgroup rw,pids",
                "33 25 0:29 / " + dir.resolve("unified") + " rw - cgroup2 cgroup2 rw");
        SystemInfo.Features f = HostFacts.features(CgroupLayout.parse(mountinfo), true);
        assertThat(f.cgroupVersion()).isEqualTo("1");
        assertThat(f.memoryLimit()).isTrue();
        assertThat(f.swapLimit()).as("no memory.memsw files").isFalse();
        assertThat(f.cpuCfsPeriod()).isTrue();
        assertThat(f.cpuShares()).isTrue();
        assertThat(f.cpuSet()).isFalse();
        assertThat(f.pidsLimit()).isTrue();
        assertThat(f.oomKillDisable()).isTrue();
        assertThat(f.ipv4Forwarding()).isTrue();
        assertThat(f.cgroupDriver()).isEqualTo("cgroupfs");
    }

    @Test
    void pureV2Host() throws Exception {
        Path root = Files.createDirectories(dir.resolve("v2"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        SystemInfo.Features f = HostFacts.features(CgroupLayout.parse("40 1 0:30 / " + root + " rw - cgroup2 cgroup2 rw"), false);
        assertThat(f.cgroupVersion()).isEqualTo("2");
        assertThat(f.memoryLimit()).isTrue();
        assertThat(f.cpuCfsQuota()).isTrue();
        assertThat(f.cpuSet()).isTrue();
        assertThat(f.pidsLimit()).isTrue();
        assertThat(f.oomKillDisable()).isFalse();
    }

    @Test
    void architectureNames() {
        assertThat(HostFacts.machine("amd64")).isEqualTo("x86_64");
        assertThat(HostFacts.goArch("x86_64")).isEqualTo("amd64");
        assertThat(HostFacts.machine("aarch64")).isEqualTo("aarch64");
        assertThat(HostFacts.goArch("aarch64")).isEqualTo("arm64");
    }

    @Test
    void osRelease() throws Exception {
        Path f = dir.resolve("os-release");
        Files.writeString(f, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\n# comment\nID=debian\n");
        assertThat(HostFacts.osRelease(f)).containsEntry("PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)")
                .containsEntry("VERSION_ID", "12").containsEntry("ID", "debian");
        assertThat(HostFacts.osRelease(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void thisHost() {
        HostFacts h = HostFacts.probe();
        assertThat(h.host().kernelVersion()).isNotEmpty();
        assertThat(h.host().osType()).isEqualTo("linux");
        assertThat(h.features().cgroupVersion()).isIn("1", "2");
    }
}
