package dev.berth.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.linux.Signals;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.runtime.Linux;
import dev.berth.runtime.container.Cgroup;
import dev.berth.runtime.container.CgroupSetup;
import dev.berth.runtime.testing.Leftovers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CgroupV1Manager} on this host's real v1 hierarchies, with real processes ({@code /bin/sh}
 * and coreutils) in the cgroups: the kernel, not a fake, says whether a limit holds. Every cgroup
 * lives under a parent named for this run ({@code /berth-test-<random>}); after each test every
 * process is killed and every directory, in every hierarchy, is removed and checked to be gone.
 *
 * <p>Each process starts as {@code sh -c 'read go; …'}: it waits until the test has put it in
 * the cgroup, so everything it does is accounted there.
 */
@RequiresRoot
@Timeout(60)
class CgroupV1ManagerTest {
    private static final String PARENT = "/berth-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private static final long MB = 1L << 20;
    private static CgroupLayout layout;
    private static String unifiedRootBefore;

    @TempDir
    Path tmp;

    private final List<CgroupManager> made = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void hostHasV1() throws IOException {
        layout = CgroupLayout.host();
        assumeFalse(layout.isUnified(), "needs cgroup v1 hierarchies; this host is pure cgroup v2");
        unifiedRootBefore = subtreeControl(layout);
        for (String c : List.of("memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "devices", "blkio")) {
            assumeTrue(layout.v1().stream().anyMatch(h -> h.has(c)), "needs the v1 " + c + " hierarchy mounted");
        }
    }

    /**
     * On a hybrid host the first cgroup enables hugetlb in the unified root's
     * cgroup.subtree_control, as it would for a container; give the host back as it was, unless a
     * cgroup (someone's container) now relies on it, when the kernel refuses.
     */
    @AfterAll
    static void restoreUnifiedRoot() {
        restoreSubtreeControl(layout, unifiedRootBefore);
    }

    static String subtreeControl(CgroupLayout l) {
        try {
            return l.unified() == null ? null : Files.readString(l.unified().mountPoint().resolve("cgroup.subtree_control")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    static void restoreSubtreeControl(CgroupLayout l, String before) {
        String now = subtreeControl(l);
        if (before == null || now == null) {
            return;
        }
        List<String> was = List.of(before.split("\\s+"));
        for (String c : now.split("\\s+")) {
            if (!c.isEmpty() && !was.contains(c)) {
                try {
                    Files.writeString(l.unified().mountPoint().resolve("cgroup.subtree_control"), "-" + c);
                } catch (IOException e) {
                    // in use by another cgroup: leave it
                }
            }
        }
    }

    @AfterEach
    void removeEverything() throws Exception {
        try {
            for (CgroupManager m : made) {
                m.kill(Signals.SIGKILL); // thaws a frozen cgroup, so its processes can die
            }
            for (Process p : started) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            for (CgroupManager m : made.reversed()) {
                awaitEmpty(m);
                m.destroy();
            }
        } finally {
            layout.manager(PARENT).destroy();
            layout.manager("/berth").removeIfUnused();
        }
        assertThat(Leftovers.cgroups(PARENT.substring(1))).isEmpty();
    }

    // -- memory --------------------------------------------------------------------------------

    @Test
    void theOomKillerEnforcesTheMemoryLimitWithSigkill() throws Exception {
        CgroupManager cg = cgroup("oom");
        cg.create(resources(memory(16 * MB, 16 * MB), null, null));
        // dd fills a 64 MiB buffer; memory+swap equal to the limit leaves no way out but the killer.
        Process p = waiting("oom", "exec dd if=/dev/zero of=/dev/null bs=64M count=1");
        cg.add(pid(p));
        assertThat(cg.oomKills()).isZero();
        go(p);

        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(128 + Signals.SIGKILL);
        assertThat(cg.oomKills()).isEqualTo(1);
        CgroupStats s = cg.stats();
        assertThat(s.memory().oomKills()).isEqualTo(1);
        assertThat(s.memory().usage().limit()).isEqualTo(16 * MB);
        assertThat(s.memory().swap().limit()).isEqualTo(16 * MB);
        assertThat(s.memory().usage().max()).isBetween(8 * MB, 16 * MB);
    }

    @Test
    void updateWritesMemoryAndSwapInTheOrderTheKernelAccepts() throws Exception {
        CgroupManager cg = cgroup("update");
        cg.create(resources(memory(32 * MB, 32 * MB), null, new Linux.Pids(10)));
        Path mem = cg.dirs().get(name("memory"));

        cg.update(resources(memory(64 * MB, 64 * MB), null, null)); // raising: memsw first
        assertThat(read(mem, "memory.limit_in_bytes")).isEqualTo(64 * MB + "");
        assertThat(read(mem, "memory.memsw.limit_in_bytes")).isEqualTo(64 * MB + "");
        cg.update(resources(memory(16 * MB, 16 * MB), null, null)); // lowering: limit first
        assertThat(read(mem, "memory.limit_in_bytes")).isEqualTo(16 * MB + "");
        assertThat(read(mem, "memory.memsw.limit_in_bytes")).isEqualTo(16 * MB + "");
        cg.update(resources(memory(-1L, null), null, null)); // unlimited memory means unlimited swap too
        assertThat(cg.stats().memory().usage().limit()).isEqualTo(cg.stats().memory().swap().limit()).isGreaterThan(1L << 60);

        cg.update(resources(null, new Linux.Cpu(2048L, 20_000L, null, 50_000L, null, null, null, null, null), new Linux.Pids(20)));
        Path cpu = cg.dirs().get(name("cpu"));
        assertThat(read(cpu, "cpu.shares")).isEqualTo("2048");
        assertThat(read(cpu, "cpu.cfs_quota_us")).isEqualTo("20000");
        assertThat(read(cpu, "cpu.cfs_period_us")).isEqualTo("50000");
        assertThat(read(cg.dirs().get(name("pids")), "pids.max")).isEqualTo("20");
        assertThat(cg.stats().pids().limit()).isEqualTo(20);
    }

    @Test
    void aLimitBelowUsageIsRefusedWithTheFileAndTheUsage() throws Exception {
        CgroupManager cg = cgroup("busy");
        cg.create(null);
        Process p = waiting("busy", "x=$(head -c 4m /dev/zero | tr '\\0' a); echo ready; sleep 30");
        cg.add(pid(p));
        go(p);
        awaitOutput("busy", "ready");

        Path file = cg.dirs().get(name("memory")).resolve("memory.limit_in_bytes");
        assertThatThrownBy(() -> cg.update(resources(memory(MB, null), null, null)))
                .isInstanceOf(CgroupException.class)
                .hasMessageMatching("memory limit 1m: write " + file.toString().replace(".", "\\.")
                        + ": device or resource busy \\(usage [0-9]+[kmg]? is above the new limit\\)");
    }

    // -- cpu, pids, freezer, devices ---------------------------------------------------------------

    @Test
    void aCpuQuotaThrottlesABusyLoop() throws Exception {
        CgroupManager cg = cgroup("cpu");
        cg.create(resources(null, new Linux.Cpu(null, 10_000L, null, 100_000L, null, null, null, null, null), null));
        Path cpu = cg.dirs().get(name("cpu"));
        assertThat(read(cpu, "cpu.cfs_quota_us")).isEqualTo("10000");
        assertThat(read(cpu, "cpu.cfs_period_us")).isEqualTo("100000");

        Process p = waiting("cpu", "while :; do :; done");
        cg.add(pid(p));
        go(p);
        Thread.sleep(1500);

        CgroupStats s = cg.stats();
        assertThat(s.cpu().throttling().periods()).isGreaterThanOrEqualTo(5);
        assertThat(s.cpu().throttling().throttledPeriods()).isGreaterThanOrEqualTo(3);
        assertThat(s.cpu().throttling().throttledTime()).isPositive();
        // 10% of one cpu for 1.5 s is 150 ms; a generous bound still proves the quota held.
        assertThat(s.cpu().total()).isBetween(10_000_000L, 600_000_000L);
        assertThat(s.cpu().user() + s.cpu().kernel()).isPositive();
        assertThat(s.cpu().perCpu()).hasSizeGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aPidsLimitMakesForkFail() throws Exception {
        CgroupManager cg = cgroup("pids");
        cg.create(resources(null, null, new Linux.Pids(4)));
        Process p = waiting("pids", "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo forked; wait");
        cg.add(pid(p));
        go(p);

        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(output("pids")).contains("Cannot fork").doesNotContain("forked");
        assertThat(cg.pids()).hasSize(3); // the sleeps it could start; the shell gave up
        CgroupStats.Pids s = cg.stats().pids();
        assertThat(s.limit()).isEqualTo(4);
        assertThat(s.current()).isEqualTo(3);
        assertThat(read(cg.dirs().get(name("pids")), "pids.events")).isNotEqualTo("max 0");
    }

    @Test
    void aFrozenCgroupMakesNoProgressUntilThawed() throws Exception {
        CgroupManager cg = cgroup("freezer");
        cg.create(null);
        Process p = waiting("freezer", "while :; do :; done");
        cg.add(pid(p));
        go(p);
        Thread.sleep(200);

        cg.freeze();
        assertThat(cg.frozen()).isTrue();
        assertThat(read(cg.dirs().get(name("freezer")), "freezer.state")).isEqualTo("FROZEN");
        long t1 = cg.stats().cpu().total();
        Thread.sleep(300);
        assertThat(cg.stats().cpu().total()).isEqualTo(t1);

        cg.thaw();
        assertThat(cg.frozen()).isFalse();
        Thread.sleep(300);
        assertThat(cg.stats().cpu().total()).isGreaterThan(t1 + 100_000_000L);
    }

    @Test
    void deviceRulesApplyInOrderAfterDenyingAll() throws Exception {
        CgroupManager cg = cgroup("devices");
        cg.create(new Linux.Resources(List.of(new Linux.DeviceRule(false, null, null, null, "rwm"),
                new Linux.DeviceRule(true, "c", 1L, 3L, "rwm")), null, null, null, null, null, null, null, null));
        assertThat(read(cg.dirs().get(name("devices")), "devices.list")).isEqualTo("c 1:3 rwm");

        Process p = waiting("devices", "echo x > /dev/null && echo null-ok;"
                + " head -c1 /dev/zero > /dev/null 2>&1 && echo zero-ok || echo zero-denied");
        cg.add(pid(p));
        go(p);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(output("devices")).isEqualTo("null-ok\nzero-denied\n");
    }

    // -- stats, errors, removal -------------------------------------------------------------------

    @Test
    void statsArePlausible() throws Exception {
        CgroupManager cg = cgroup("stats");
        cg.create(resources(memory(64 * MB, null), null, new Linux.Pids(10)));
        Process p = waiting("stats", "x=$(head -c 1m /dev/zero | tr '\\0' a); echo ready; sleep 30");
        cg.add(pid(p));
        go(p);
        awaitOutput("stats", "ready");
        for (int i = 0; i < 500 && cg.pids().size() < 2; i++) {
            Thread.sleep(10); // "ready" is echoed just before sleep is forked
        }

        CgroupStats s = cg.stats();
        assertThat(s.cpu().total()).isPositive();
        assertThat(s.memory().usage().usage()).isBetween(MB, 64 * MB);
        assertThat(s.memory().usage().max()).isGreaterThanOrEqualTo(s.memory().usage().usage());
        assertThat(s.memory().usage().limit()).isEqualTo(64 * MB);
        assertThat(s.memory().rss()).isPositive();
        assertThat(s.memory().raw()).containsKeys("cache", "rss", "total_rss");
        assertThat(s.memory().oomKills()).isZero();
        assertThat(s.pids()).isEqualTo(new CgroupStats.Pids(2, 10)); // sh and its sleep
        if (layout.unified() != null && layout.unified().has("hugetlb")) {
            assertThat(s.hugetlb()).containsKey("2MB"); // from the unified mount, on a hybrid host
        }
    }

    @Test
    void aLimitTheHostCannotGrantIsRefusedAndLeavesNothingBehind() throws Exception {
        CgroupManager cg = cgroup("refused");
        Path cpusetDir = cg.dirs().get(name("cpuset"));
        assertThatThrownBy(() -> cg.create(resources(null,
                new Linux.Cpu(null, null, null, null, null, null, "0-255", null, null), null)))
                .isInstanceOf(CgroupException.class)
                .hasMessage("cpuset cpus 0-255: write " + cpusetDir.resolve("cpuset.cpus")
                        + ": numerical result out of range (the parent allows "
                        + read(cpusetDir.getParent().getParent(), "cpuset.cpus") + ")");
        assertThat(cg.dirs().values()).noneMatch(Files::exists);

        assertThatThrownBy(() -> cg.create(new Linux.Resources(null, null, null, null, null, null, null, null,
                Map.of("memory.high", "1m"))))
                .hasMessage("unified memory.high: cgroup v2 settings cannot be applied on a cgroup v1 host");
        assertThat(cg.dirs().values()).noneMatch(Files::exists);

        // Without any hugetlb controller, no limit is fine and a limit is an error.
        CgroupManager noHugetlb = new CgroupLayout(layout.v1(), null).manager(PARENT + "/nohugetlb");
        made.add(noHugetlb);
        assertThatThrownBy(() -> noHugetlb.create(new Linux.Resources(null, null, null, null, null,
                List.of(new Linux.HugepageLimit("2MB", 4 * MB)), null, null, null)))
                .hasMessageStartingWith("hugetlb limit 2MB: no hugetlb controller on this host");
        assertThat(noHugetlb.dirs().values()).noneMatch(Files::exists);
        noHugetlb.create(null);
        assertThat(noHugetlb.exists()).isTrue();
    }

    @Test
    void hugetlbLimitsGoToTheUnifiedMountOnAHybridHost() throws Exception {
        assumeTrue(layout.unified() != null && layout.unified().has("hugetlb"), "needs hugetlb in the cgroup2 mount");
        CgroupManager cg = cgroup("hugetlb");
        cg.create(new Linux.Resources(null, null, null, null, null, List.of(new Linux.HugepageLimit("2MB", 4 * MB)),
                null, null, null));
        assertThat(read(cg.dirs().get(layout.unified().name()), "hugetlb.2MB.max")).isEqualTo(4 * MB + "");
    }

    @Test
    void killingAFrozenCgroupThawsItAndDestroyRemovesEveryDirectory() throws Exception {
        CgroupManager cg = cgroup("destroy");
        cg.create(resources(memory(32 * MB, null), null, new Linux.Pids(10)));
        Process p = waiting("destroy", "sleep 30 & sleep 30 & echo ready; wait");
        cg.add(pid(p));
        go(p);
        awaitOutput("destroy", "ready");
        assertThat(cg.pids()).hasSize(3);
        assertThat(cg.dirs()).hasSize(layout.hierarchies().size());

        cg.freeze();
        cg.kill(Signals.SIGKILL);
        assertThat(cg.frozen()).isFalse();
        awaitEmpty(cg);
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        cg.destroy();
        assertThat(cg.dirs().values()).noneMatch(Files::exists);
        assertThat(cg.exists()).isFalse();
        assertThat(cg.pids()).isEmpty();
        assertThat(cg.frozen()).isFalse();
    }

    @Test
    void aContainerCgroupGetsRuncsDefaultDevicesAndItsParentGoesWithTheLastOne() throws Exception {
        String id = PARENT.substring(1) + "-ctr";
        made.add(layout.manager("/berth/" + id));
        CgroupSetup setup = CgroupSetup.on(layout);
        Cgroup c = setup.create("/berth/" + id, null);
        Path devices = layout.manager("/berth/" + id).dirs().get(name("devices"));
        assertThat(read(devices, "devices.list").lines())
                .contains("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm")
                .doesNotContain("a *:* rwm");

        Process p = waiting("ctr", "exec sleep 30");
        c.add(pid(p));
        go(p);
        assertThatThrownBy(() -> setup.create("/berth/" + id, null))
                .hasMessage("cgroup /berth/" + id + " is not empty: it has 1 process");

        c.destroyQuietly();
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + Signals.SIGKILL);
        for (Path d : layout.manager("/berth/" + id).dirs().values()) {
            assertThat(d).doesNotExist();
            // "/berth" goes too, unless another container (another test run) is using it right now
            Path berth = d.getParent();
            if (Files.exists(berth)) {
                try (var s = Files.list(berth)) {
                    assertThat(s.filter(Files::isDirectory)).isNotEmpty();
                }
            }
        }
    }

    // -- helpers ------------------------------------------------------------------------------------

    private CgroupManager cgroup(String name) {
        CgroupManager m = layout.manager(PARENT + "/" + name);
        made.add(m);
        return m;
    }

    /** The name of the hierarchy that carries {@code controller} on this host ({@code cpu} or {@code cpu,cpuacct}). */
    private static String name(String controller) {
        return layout.v1().stream().filter(h -> h.has(controller)).findFirst().orElseThrow().name();
    }

    private Process waiting(String name, String script) throws IOException {
        Path out = tmp.resolve(name + ".out");
        Process p = new ProcessBuilder("/bin/sh", "-c", "read go; " + script)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        started.add(p);
        return p;
    }

    private static void go(Process p) throws IOException {
        p.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
    }

    private static int pid(Process p) {
        return (int) p.pid();
    }

    private String output(String name) throws IOException {
        return Files.readString(tmp.resolve(name + ".out"));
    }

    private void awaitOutput(String name, String text) throws Exception {
        for (int i = 0; i < 1000 && !output(name).contains(text); i++) {
            Thread.sleep(10);
        }
        assertThat(output(name)).contains(text);
    }

    private static void awaitEmpty(CgroupManager m) throws Exception {
        for (int i = 0; i < 500 && !m.pids().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(m.pids()).as("processes left in " + m.path()).isEmpty();
    }

    private static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file)).trim();
    }

    private static Linux.Resources resources(Linux.Memory m, Linux.Cpu c, Linux.Pids p) {
        return new Linux.Resources(null, m, c, p, null, null, null, null, null);
    }

    private static Linux.Memory memory(Long limit, Long swap) {
        return new Linux.Memory(limit, null, swap, null, null, null, null, null, null);
    }
}
