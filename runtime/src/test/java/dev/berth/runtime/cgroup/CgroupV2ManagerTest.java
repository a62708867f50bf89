package dev.berth.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.Signals;
import dev.berth.oci.runtime.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CgroupV2Manager} against a fake cgroup2 tree in a temporary directory: the files a
 * kernel would show are made by the test, and the test reads back what the manager wrote. It is a
 * fake because Berth's machines have no usable cgroup v2 (their unified mount carries hugetlb
 * only), and because a fake shows exactly which file got which value. A plain file keeps only
 * the last write, so each multi-line control file ({@code io.max}) is checked one write at a time.
 */
class CgroupV2ManagerTest {
    private static final String CONTROLLERS = "cpuset cpu io memory hugetlb pids";

    @TempDir
    Path root;

    private Path leaf;
    private CgroupV2Manager cg;

    @BeforeEach
    void fakeTree() throws IOException {
        level(root);
        level(root.resolve("berth"));
        leaf = root.resolve("berth/x");
        Files.createDirectories(leaf);
        Map<String, String> files = Map.ofEntries(
                Map.entry("cgroup.procs", ""), Map.entry("cgroup.freeze", "0"), Map.entry("cgroup.kill", ""),
                Map.entry("cgroup.events", "populated 1\nfrozen 1\n"),
                Map.entry("memory.max", "max"), Map.entry("memory.low", "0"), Map.entry("memory.swap.max", "max"),
                Map.entry("memory.current", "8388608"), Map.entry("memory.high", "max"),
                Map.entry("cpu.weight", "100"), Map.entry("cpu.max", "max 100000"), Map.entry("cpu.max.burst", "0"),
                Map.entry("cpu.idle", "0"), Map.entry("cpuset.cpus", ""), Map.entry("cpuset.mems", ""),
                Map.entry("pids.max", "max"), Map.entry("io.weight", "default 100"), Map.entry("io.max", ""),
                Map.entry("hugetlb.2MB.max", "max"), Map.entry("hugetlb.2MB.rsvd.max", "max"));
        for (var e : files.entrySet()) {
            Files.writeString(leaf.resolve(e.getKey()), e.getValue());
        }
        cg = new CgroupV2Manager(root, "/berth/x");
    }

    private static void level(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cgroup.controllers"), CONTROLLERS + "\n");
        Files.writeString(dir.resolve("cgroup.subtree_control"), "");
    }

    private String read(String file) throws IOException {
        return Files.readString(leaf.resolve(file));
    }

    private static Linux.Resources resources(Linux.Memory m, Linux.Cpu c, Linux.Pids p, Linux.BlockIo b,
            List<Linux.HugepageLimit> h, Map<String, String> unified) {
        return new Linux.Resources(null, m, c, p, b, h, null, null, unified);
    }

    private static Linux.Memory memory(Long limit, Long swap, Long reservation) {
        return new Linux.Memory(limit, reservation, swap, null, null, null, null, null, null);
    }

    private static Linux.Cpu cpu(Long shares, Long quota, Long period) {
        return new Linux.Cpu(shares, quota, null, period, null, null, null, null, null);
    }

    @Test
    void createEnablesEveryControllerAboveTheCgroup() throws Exception {
        cg.create(null);
        assertThat(Files.readString(root.resolve("cgroup.subtree_control"))).isEqualTo("+cpuset +cpu +io +memory +hugetlb +pids");
        assertThat(Files.readString(root.resolve("berth/cgroup.subtree_control"))).isEqualTo("+cpuset +cpu +io +memory +hugetlb +pids");
    }

    @Test
    void memoryPlusSwapBecomesSwapAlone() throws Exception {
        cg.create(resources(memory(64L << 20, 96L << 20, 32L << 20), null, null, null, null, null));
        assertThat(read("memory.max")).isEqualTo(Long.toString(64L << 20));
        assertThat(read("memory.swap.max")).isEqualTo(Long.toString(32L << 20));
        assertThat(read("memory.low")).isEqualTo(Long.toString(32L << 20));

        cg.update(resources(memory(16L << 20, 16L << 20, null), null, null, null, null, null));
        assertThat(read("memory.swap.max")).isEqualTo("0");
        cg.update(resources(memory(-1L, null, null), null, null, null, null, null));
        assertThat(read("memory.max")).isEqualTo("max");
        assertThat(read("memory.swap.max")).isEqualTo("max");

        assertThatThrownBy(() -> cg.update(resources(memory(null, 32L << 20, null), null, null, null, null, null)))
                .isInstanceOf(CgroupException.class).hasMessage("memory+swap limit 32m: a swap limit needs a memory limit");
        assertThatThrownBy(() -> cg.update(resources(memory(64L << 20, 32L << 20, null), null, null, null, null, null)))
                .hasMessage("memory+swap limit 32m: below the memory limit 64m");
    }

    @Test
    void checkBeforeUpdateRefusesALimitBelowUsage() {
        var m = new Linux.Memory(4L << 20, null, null, null, null, null, null, null, true);
        assertThatThrownBy(() -> cg.update(resources(m, null, null, null, null, null)))
                .hasMessage("memory limit 4m: usage 8m is above the new limit (checkBeforeUpdate is set)");
    }

    @Test
    void cpuSharesBecomeWeightAndQuotaKeepsThePeriod() throws Exception {
        cg.create(resources(null, cpu(1024L, 50_000L, 100_000L), null, null, null, null));
        assertThat(read("cpu.weight")).isEqualTo("39");
        assertThat(read("cpu.max")).isEqualTo("50000 100000");
        cg.update(resources(null, cpu(null, 20_000L, null), null, null, null, null));
        assertThat(read("cpu.max")).isEqualTo("20000 100000");
        cg.update(resources(null, cpu(null, -1L, null), null, null, null, null));
        assertThat(read("cpu.max")).isEqualTo("max 100000");
        cg.update(resources(null, new Linux.Cpu(null, null, null, null, null, null, "0-1", "0", null), null, null, null, null));
        assertThat(read("cpuset.cpus")).isEqualTo("0-1");
        assertThat(read("cpuset.mems")).isEqualTo("0");

        assertThat(CgroupV2Manager.sharesToWeight(2)).isEqualTo(1);
        assertThat(CgroupV2Manager.sharesToWeight(262144)).isEqualTo(10000);
        assertThat(CgroupV2Manager.sharesToWeight(0)).isZero();
        assertThatThrownBy(() -> cg.update(resources(null,
                new Linux.Cpu(null, null, null, null, 950_000L, 1_000_000L, null, null, null), null, null, null, null)))
                .hasMessage("cpu realtime runtime and period: not supported on cgroup v2");
    }

    @Test
    void pidsZeroIsALimitAndMinusOneIsMax() throws Exception {
        cg.update(resources(null, null, new Linux.Pids(0), null, null, null));
        assertThat(read("pids.max")).isEqualTo("0");
        cg.update(resources(null, null, new Linux.Pids(-1), null, null, null));
        assertThat(read("pids.max")).isEqualTo("max");
    }

    @Test
    void blockIoBecomesIoWeightAndIoMaxLines() throws Exception {
        cg.update(resources(null, null, null, new Linux.BlockIo(500, null, null, null, null, null, null), null, null));
        assertThat(read("io.weight")).isEqualTo("4950");
        cg.update(resources(null, null, null, new Linux.BlockIo(null, null,
                List.of(new Linux.WeightDevice(8, 0, 1000, null)), null, null, null, null), null, null));
        assertThat(read("io.weight")).isEqualTo("8:0 10000");
        cg.update(resources(null, null, null, new Linux.BlockIo(null, null, null,
                List.of(new Linux.ThrottleDevice(8, 0, 1 << 20)), null, null, null), null, null));
        assertThat(read("io.max")).isEqualTo("8:0 rbps=1048576");
        cg.update(resources(null, null, null, new Linux.BlockIo(null, null, null, null, null, null,
                List.of(new Linux.ThrottleDevice(253, 1, 0))), null, null));
        assertThat(read("io.max")).isEqualTo("253:1 wiops=max");

        // With BFQ the weight goes to io.bfq.weight in the v1 range, unconverted.
        Files.writeString(leaf.resolve("io.bfq.weight"), "default 100");
        cg.update(resources(null, null, null, new Linux.BlockIo(500, null, null, null, null, null, null), null, null));
        assertThat(read("io.bfq.weight")).isEqualTo("500");
    }

    @Test
    void hugetlbSetsUsageAndReservationLimits() throws Exception {
        cg.update(resources(null, null, null, null, List.of(new Linux.HugepageLimit("2MB", 4L << 20)), null));
        assertThat(read("hugetlb.2MB.max")).isEqualTo("4194304");
        assertThat(read("hugetlb.2MB.rsvd.max")).isEqualTo("4194304");
        assertThatThrownBy(() -> cg.update(resources(null, null, null, null, List.of(new Linux.HugepageLimit("1GB", 1L << 30)), null)))
                .hasMessage("hugetlb limit 1GB 1g: no " + leaf.resolve("hugetlb.1GB.max")
                        + " (the kernel has no such huge page size, or hugetlb is not enabled for this cgroup)");
    }

    @Test
    void unifiedIsWrittenVerbatimAndChecked() throws Exception {
        cg.update(resources(null, null, null, null, null, Map.of("memory.high", "50M")));
        assertThat(read("memory.high")).isEqualTo("50M");
        assertThatThrownBy(() -> cg.update(resources(null, null, null, null, null, Map.of("../../escape", "1"))))
                .hasMessage("unified ../../escape: not a cgroup file name");
        assertThatThrownBy(() -> cg.update(resources(null, null, null, null, null, Map.of("rdma.max", "mlx4_0 hca_handle=2"))))
                .hasMessageContaining("unified rdma.max: write ")
                .hasMessageEndingWith("(the rdma controller is not available to this cgroup)");
    }

    @Test
    void aFailedCreateRemovesWhatItMade() throws Exception {
        var fresh = new CgroupV2Manager(root, "/berth/y/z");
        assertThatThrownBy(() -> fresh.create(resources(memory(1L << 20, null, null), null, null, null, null, null)))
                .isInstanceOf(CgroupException.class)
                .hasMessage("memory limit 1m: write " + root.resolve("berth/y/z/memory.max")
                        + ": no such file or directory (the controller is not enabled for this cgroup)");
        assertThat(root.resolve("berth/y")).doesNotExist();
        assertThat(root.resolve("berth")).isDirectory();
    }

    @Test
    void freezeWaitsForTheEventAndKillUsesCgroupKill() throws Exception {
        assertThat(cg.frozen()).isFalse();
        cg.freeze();
        assertThat(read("cgroup.freeze")).isEqualTo("1");
        assertThat(cg.frozen()).isTrue();
        cg.thaw();
        assertThat(read("cgroup.freeze")).isEqualTo("0");
        assertThat(cg.frozen()).isFalse();
        cg.kill(Signals.SIGKILL);
        assertThat(read("cgroup.kill")).isEqualTo("1");
    }

    @Test
    void processesAreAddedThroughCgroupProcs() throws Exception {
        cg.add(4242);
        assertThat(read("cgroup.procs")).isEqualTo("4242");
        Files.writeString(leaf.resolve("cgroup.procs"), "1\n22\n333\n");
        assertThat(cg.pids()).containsExactly(1, 22, 333);
        assertThat(new CgroupV2Manager(root, "/berth/gone").pids()).isEmpty();
    }

    @Test
    void statsAreParsedAndSwapIsReportedAsMemoryPlusSwap() throws Exception {
        Files.writeString(leaf.resolve("cpu.stat"), """
                usage_usec 1500
                user_usec 1000
                system_usec 500
                nr_periods 10
                nr_throttled 3
                throttled_usec 2000
                """);
        Files.writeString(leaf.resolve("memory.current"), "4096\n");
        Files.writeString(leaf.resolve("memory.peak"), "8192\n");
        Files.writeString(leaf.resolve("memory.max"), "1048576\n");
        Files.writeString(leaf.resolve("memory.stat"), "anon 100\nfile 200\nkernel 300\n");
        Files.writeString(leaf.resolve("memory.events"), "low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\n");
        Files.writeString(leaf.resolve("memory.swap.current"), "1024\n");
        Files.writeString(leaf.resolve("memory.swap.max"), "0\n");
        Files.writeString(leaf.resolve("pids.current"), "3\n");
        Files.writeString(leaf.resolve("pids.max"), "10\n");
        Files.writeString(leaf.resolve("io.stat"), "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
        Files.writeString(leaf.resolve("hugetlb.2MB.current"), "2097152\n");
        Files.writeString(leaf.resolve("hugetlb.2MB.events"), "max 1\n");

        CgroupStats s = cg.stats();
        assertThat(s.cpu()).isEqualTo(new CgroupStats.Cpu(1_500_000, 1_000_000, 500_000, List.of(), List.of(), List.of(),
                new CgroupStats.Throttling(10, 3, 2_000_000)));
        assertThat(s.memory().usage()).isEqualTo(new CgroupStats.MemoryEntry(4096, 8192, 1048576, 5));
        assertThat(s.memory().swap()).isEqualTo(new CgroupStats.MemoryEntry(5120, 0, 1048576, 0));
        assertThat(s.memory().cache()).isEqualTo(200);
        assertThat(s.memory().rss()).isEqualTo(100);
        assertThat(s.memory().oomKills()).isEqualTo(1);
        assertThat(s.memory().raw()).containsEntry("kernel", 300L);
        assertThat(s.pids()).isEqualTo(new CgroupStats.Pids(3, 10));
        assertThat(s.blkio().ioServiceBytesRecursive()).containsExactly(
                new CgroupStats.BlkioEntry(8, 0, "Read", 100), new CgroupStats.BlkioEntry(8, 0, "Write", 200));
        assertThat(s.blkio().ioServicedRecursive()).containsExactly(
                new CgroupStats.BlkioEntry(8, 0, "Read", 1), new CgroupStats.BlkioEntry(8, 0, "Write", 2));
        assertThat(s.hugetlb()).containsExactly(Map.entry("2MB", new CgroupStats.Hugetlb(2097152, 0, 1)));
        assertThat(cg.oomKills()).isEqualTo(1);

        Files.writeString(leaf.resolve("memory.max"), "max\n");
        assertThat(cg.stats().memory().usage().limit()).isEqualTo(ControlFiles.MAX);
    }

    @Test
    void conversionsMatchRunc() throws Exception {
        assertThat(CgroupV2Manager.blkioToIoWeight(10)).isEqualTo(1);
        assertThat(CgroupV2Manager.blkioToIoWeight(1000)).isEqualTo(10000);
        assertThat(CgroupV2Manager.swapMax(-1, 1 << 20)).isEqualTo("max");
        assertThat(CgroupV2Manager.swapMax(3 << 20, 1 << 20)).isEqualTo(Long.toString(2 << 20));
    }
}
