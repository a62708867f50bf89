package dev.berth.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner's decisions, checked on the plan it writes (no root needed). */
class SpecPlannerTest {
    @TempDir
    Path bundle;

    private static final long ALL_BUT_SYS_RESOURCE = 0x1fffeffffffL;
    private final HostFacts host = new HostFacts(40, ALL_BUT_SYS_RESOURCE,
            Map.of("RLIMIT_NOFILE", 20000L), List.of("1 0 0:1 / / rw shared:1 - ext4 /dev/vda rw"));

    private Spec spec(Spec.Process p, List<Linux.Namespace> ns, List<Spec.Mount> mounts) {
        Linux linux = new Linux(ns, null, null, null, null, null, null, Map.of("net.ipv4.ip_forward", "0"), null,
                null, List.of("/proc/kcore"), List.of("/proc/sys"), null, null);
        return new Spec("1.2.1", new Spec.Root("rootfs", true), mounts, p, "box", null, null, null, linux);
    }

    private Spec.Process process(boolean nnp, List<Spec.Rlimit> rlimits) {
        List<String> caps = List.of("CAP_KILL", "CAP_SYS_RESOURCE");
        return new Spec.Process(false, null, "/work", List.of("PATH=/bin"), List.of("sh", "-c", "true"), null,
                rlimits, null, new Spec.Capabilities(caps, caps, null, caps, null), nnp, null, null,
                new Spec.User(1000, 1000, null, List.of(10L), null), null, null, null);
    }

    private PlanRequest request(Spec spec, byte[] seccomp) throws Exception {
        Path rootfs = bundle.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        return new PlanRequest(spec, rootfs, bundle.resolve("exec.fifo"), null, false, null, false, 0, seccomp, 0, List.of());
    }

    private static List<Linux.Namespace> ns(String... types) {
        return java.util.Arrays.stream(types).map(t -> new Linux.Namespace(t, null)).toList();
    }

    private static int index(List<Step> steps, Class<? extends Step> type) {
        for (int i = 0; i < steps.size(); i++) {
            if (type.isInstance(steps.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void ordersTheLaunchAsTheSyncPointsRequire() throws Exception {
        Spec s = spec(process(true, null), ns("pid", "mount", "uts", "ipc", "network"),
                List.of(new Spec.Mount("/proc", "proc", "proc", null, null, null)));
        List<Step> steps = new SpecPlanner(host).plan(request(s, new byte[8]), bundle).steps();

        int clone = index(steps, Step.Clone.class);
        assertThat(((Step.Clone) steps.get(clone)).flags()).isEqualTo(0x20000000L | 0x20000 | 0x04000000 | 0x08000000 | 0x40000000);
        assertThat(index(steps, Step.MkFifo.class)).isLessThan(clone);
        assertThat(index(steps, Step.OpenFifo.class)).isGreaterThan(clone);
        assertThat(index(steps, Step.SetHostname.class)).isGreaterThan(clone);
        assertThat(index(steps, Step.PivotRoot.class)).isGreaterThan(index(steps, Step.Mount.class));
        assertThat(index(steps, Step.Mask.class)).isGreaterThan(index(steps, Step.PivotRoot.class));
        assertThat(index(steps, Step.CapBset.class)).isLessThan(index(steps, Step.SetUid.class));
        assertThat(index(steps, Step.SetUid.class)).isLessThan(index(steps, Step.CapSet.class));
        // no_new_privs: seccomp is loaded last, after the capabilities are gone.
        assertThat(index(steps, Step.Seccomp.class)).isGreaterThan(index(steps, Step.CapSet.class));
        assertThat(index(steps, Step.Ready.class)).isLessThan(index(steps, Step.WaitFifo.class));
        assertThat(steps.getLast()).isInstanceOf(Step.Exec.class);
        assertThat(steps).contains(new Step.Chdir("/work"));
    }

    @Test
    void withoutNoNewPrivsSeccompIsLoadedWhileStillPrivileged() throws Exception {
        Spec s = spec(process(false, null), ns("mount"), List.of());
        List<Step> steps = new SpecPlanner(host).plan(request(s, new byte[8]), bundle).steps();
        assertThat(index(steps, Step.Seccomp.class)).isLessThan(index(steps, Step.SetUid.class));
    }

    @Test
    void clampsCapabilitiesTheHostDoesNotHold() throws Exception {
        Spec s = spec(process(true, null), ns("mount"), List.of());
        List<Step> steps = new SpecPlanner(host).plan(request(s, null), bundle).steps();
        Step.CapSet caps = (Step.CapSet) steps.get(index(steps, Step.CapSet.class));
        assertThat(caps.effective()).isEqualTo(1L << 5);
    }

    @Test
    void refusesAnRlimitAboveTheHostsHardLimitBeforeAnythingIsCreated() throws Exception {
        Spec s = spec(process(true, List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1048576, 1024))), ns("mount"), List.of());
        assertThatThrownBy(() -> new SpecPlanner(host).plan(request(s, null), bundle))
                .isInstanceOf(PlanException.class)
                .hasMessage("process.rlimits: RLIMIT_NOFILE hard limit 1048576 exceeds this host's 20000 "
                        + "(raising it needs CAP_SYS_RESOURCE, which berth does not hold)");
    }

    @Test
    void mountTargetsThroughSymlinksStayInsideTheRootfs() throws Exception {
        Path rootfs = bundle.resolve("rootfs");
        Files.createDirectories(rootfs);
        Files.createSymbolicLink(rootfs.resolve("escape"), Path.of("/etc"));
        Spec s = spec(process(true, null), ns("mount"),
                List.of(new Spec.Mount("/escape/x", "tmpfs", "tmpfs", null, null, null)));
        List<Step> steps = new SpecPlanner(host).plan(request(s, null), bundle).steps();
        Step.Mount tmpfs = steps.stream().filter(st -> st instanceof Step.Mount m && "tmpfs".equals(m.fstype()))
                .map(Step.Mount.class::cast).findFirst().orElseThrow();
        assertThat(tmpfs.target()).isEqualTo(rootfs.resolve("etc/x").toString());
    }

    @Test
    void makesASharedParentMountPrivateForPivotRoot() throws Exception {
        Spec s = spec(process(true, null), ns("mount"), List.of());
        List<Step> steps = new SpecPlanner(host).plan(request(s, null), bundle).steps();
        assertThat(steps).anySatisfy(st -> assertThat(st).isEqualTo(
                new Step.Mount("", "/", "", Kernel.MS_PRIVATE, "", "make / private")));
    }

    @Test
    void requiresAMountNamespace() throws Exception {
        Spec s = spec(process(true, null), ns("pid"), List.of());
        assertThatThrownBy(() -> new SpecPlanner(host).plan(request(s, null), bundle))
                .hasMessageContaining("a mount namespace is required");
    }

    @Test
    void monitorHoldsItsOutputFifosOnlyWhenAsked() throws Exception {
        Spec s = spec(process(true, null), ns("mount"), List.of());
        Path rootfs = bundle.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        for (boolean hold : new boolean[] {true, false}) {
            var req = new PlanRequest(s, rootfs, null, bundle.resolve("exit"), hold, null, false, 0, null, 0, List.of());
            LaunchPlan plan = new SpecPlanner(host).plan(req, bundle);
            int at = index(plan.steps(), Step.Monitor.class);
            Step.Monitor monitor = (Step.Monitor) plan.steps().get(at);
            assertThat(at).isLessThan(index(plan.steps(), Step.Clone.class));
            assertThat(monitor.flags()).isEqualTo(hold ? Step.Monitor.HOLD_OUTPUT | Step.Monitor.SETSID : 0);
            assertThat(plan.describe(at)).isEqualTo(hold
                    ? "become the container's monitor, holding its output fifos open"
                    : "become the container's monitor");
        }
    }
}
