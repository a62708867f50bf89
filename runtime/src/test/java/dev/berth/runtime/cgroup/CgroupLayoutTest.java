package dev.berth.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.container.CgroupSetup;
import dev.berth.runtime.plan.PlanRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Telling the host's cgroup layout from its mountinfo, and what a container is given from it (no root needed). */
class CgroupLayoutTest {
    /** Berth's machines (MACHINE.md): v1 with cpu and cpuacct apart, systemd named, cgroup2 with hugetlb only. */
    static final String HYBRID = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
            37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
            38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    /** A systemd distribution in unified mode. */
    static final String PURE_V2 = """
            22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw
            30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """;

    /** Classic v1 as Docker hosts had it: co-mounted controllers, systemd's hierarchy with options. */
    static final String V1_COMOUNTED = """
            25 24 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
            28 24 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,cpu,cpuacct
            29 24 0:26 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,net_cls,net_prio
            30 24 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory
            90 80 0:27 / /var/lib/x/memory\\040copy rw,relatime - cgroup cgroup rw,memory
            """;

    @Test
    void hybridIsDrivenAsV1WithTheUnifiedMountLast() {
        CgroupLayout l = CgroupLayout.parse(HYBRID);
        assertThat(l.isUnified()).isFalse();
        assertThat(l.v1()).extracting(CgroupLayout.Hierarchy::name)
                .containsExactly("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd");
        assertThat(l.v1().getLast().controllers()).isEmpty();
        assertThat(l.v1().getLast().options()).isEqualTo("name=systemd");
        assertThat(l.unified().mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
        assertThat(l.hierarchies()).extracting(CgroupLayout.Hierarchy::name).endsWith("systemd", "unified");
        assertThat(l.manager("/berth/a")).isInstanceOf(CgroupV1Manager.class);
        assertThat(l.manager("/berth/a").dirs())
                .containsEntry("memory", Path.of("/sys/fs/cgroup/memory/berth/a"))
                .containsEntry("unified", Path.of("/sys/fs/cgroup/unified/berth/a"));
    }

    @Test
    void pureV2IsOneUnnamedHierarchy() {
        CgroupLayout l = CgroupLayout.parse(PURE_V2);
        assertThat(l.isUnified()).isTrue();
        assertThat(l.hierarchies()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEmpty();
            assertThat(h.fstype()).isEqualTo("cgroup2");
        });
        assertThat(l.manager("/berth/a")).isInstanceOf(CgroupV2Manager.class);
        // A named v1 hierarchy kept for old containers does not make the host v1.
        CgroupLayout withNamed = CgroupLayout.parse(PURE_V2
                + "40 30 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n");
        assertThat(withNamed.isUnified()).isTrue();
    }

    @Test
    void coMountedControllersShareOneHierarchyAndDuplicatesAreDropped() {
        CgroupLayout l = CgroupLayout.parse(V1_COMOUNTED);
        assertThat(l.unified()).isNull();
        assertThat(l.v1()).extracting(CgroupLayout.Hierarchy::name)
                .containsExactly("systemd", "cpu,cpuacct", "net_cls,net_prio", "memory");
        assertThat(l.v1().get(1).controllers()).isEqualTo(Set.of("cpu", "cpuacct"));
        assertThat(l.v1().get(1).options()).isEqualTo("cpu,cpuacct");
        assertThat(l.v1().getFirst().options()).isEqualTo("name=systemd");
    }

    @Test
    void escapedMountPointsAreDecoded() {
        CgroupLayout l = CgroupLayout.parse("90 80 0:27 / /var/lib/x/mem\\040ory rw - cgroup cgroup rw,memory\n");
        assertThat(l.v1().getFirst().mountPoint()).isEqualTo(Path.of("/var/lib/x/mem ory"));
    }

    @Test
    void pathsCannotClimbOutOfTheHierarchy() {
        assertThat(ControlFiles.dirIn(Path.of("/sys/fs/cgroup/memory"), "/a/../b")).isEqualTo(Path.of("/sys/fs/cgroup/memory/b"));
        assertThatThrownBy(() -> ControlFiles.dirIn(Path.of("/sys/fs/cgroup/memory"), "/../../etc"))
                .hasMessageContaining("leaves the cgroup hierarchy");
        assertThatThrownBy(() -> ControlFiles.dirIn(Path.of("/sys/fs/cgroup/memory"), "relative"))
                .hasMessageContaining("not absolute");
    }

    @Test
    void cgroupsPathDefaultsToBerthAndIsCleaned() {
        assertThat(CgroupSetup.pathFor(spec(null), "abc")).isEqualTo("/berth/abc");
        assertThat(CgroupSetup.pathFor(spec("/pod/ctr"), "abc")).isEqualTo("/pod/ctr");
        assertThat(CgroupSetup.pathFor(spec("pod/ctr"), "abc")).isEqualTo("/pod/ctr");
        assertThat(CgroupSetup.pathFor(spec("../../../etc/x/"), "abc")).isEqualTo("/etc/x");
    }

    @Test
    void mountsGiveTheContainerItsOwnDirectoryInEachHierarchy() {
        List<PlanRequest.CgroupMount> hybrid = CgroupSetup.on(CgroupLayout.parse(HYBRID)).mountsFor("/berth/abc");
        assertThat(hybrid).hasSize(10);
        assertThat(hybrid.getFirst()).isEqualTo(
                new PlanRequest.CgroupMount("cpu", Path.of("/sys/fs/cgroup/cpu/berth/abc"), "cgroup", "cpu"));
        assertThat(hybrid).contains(
                new PlanRequest.CgroupMount("systemd", Path.of("/sys/fs/cgroup/systemd/berth/abc"), "cgroup", "name=systemd"),
                new PlanRequest.CgroupMount("unified", Path.of("/sys/fs/cgroup/unified/berth/abc"), "cgroup2", ""));
        // RootfsPlanner reads one unnamed hierarchy as "cgroup v2".
        assertThat(CgroupSetup.on(CgroupLayout.parse(PURE_V2)).mountsFor("/berth/abc")).containsExactly(
                new PlanRequest.CgroupMount("", Path.of("/sys/fs/cgroup/berth/abc"), "cgroup2", ""));
    }

    private static Spec spec(String cgroupsPath) {
        Linux linux = new Linux(null, null, null, null, null, cgroupsPath, null, null, null, null, null, null, null, null);
        return new Spec("1.2.1", null, null, null, null, null, null, null, linux);
    }
}
