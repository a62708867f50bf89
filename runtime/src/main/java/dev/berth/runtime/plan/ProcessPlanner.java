package dev.berth.runtime.plan;

import dev.berth.oci.runtime.RlimitResource;
import dev.berth.oci.runtime.Spec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Plans the last part of every launch, shared by {@code create} and {@code exec}: limits,
 * credentials, capabilities, seccomp and the exec itself. The order is the one that works:
 * the bounding set is dropped while CAP_SETPCAP is still held, keepcaps carries the permitted
 * set across setuid, and seccomp comes last when no_new_privs allows it to be loaded
 * unprivileged (so the filter need not allow the setup's own syscalls), or before the
 * capabilities are dropped when it needs CAP_SYS_ADMIN to be loaded at all.
 */
public final class ProcessPlanner {
    private static final Logger LOG = Logger.getLogger(ProcessPlanner.class.getName());
    private static final int CAP_SYS_RESOURCE = 24;

    private final HostFacts host;

    public ProcessPlanner(HostFacts host) {
        this.host = host;
    }

    /**
     * Refuses what this host cannot grant before anything is created: rlimits above the hard
     * limits we hold, and a negative oom_score_adj, both need CAP_SYS_RESOURCE.
     */
    public void checkGrantable(Spec.Process p) throws PlanException {
        if (host.holds(CAP_SYS_RESOURCE)) {
            return;
        }
        if (p.rlimits() != null) {
            for (Spec.Rlimit r : p.rlimits()) {
                Long have = host.hardLimits().get(r.type());
                if (have != null && have >= 0 && Long.compareUnsigned(r.hard(), have) > 0) {
                    throw new PlanException("process.rlimits: " + r.type() + " hard limit "
                            + Long.toUnsignedString(r.hard()) + " exceeds this host's " + have
                            + " (raising it needs CAP_SYS_RESOURCE, which berth does not hold)");
                }
            }
        }
        if (p.oomScoreAdj() != null && p.oomScoreAdj() < 0) {
            throw new PlanException("process.oomScoreAdj: " + p.oomScoreAdj()
                    + " is negative (lowering it needs CAP_SYS_RESOURCE, which berth does not hold)");
        }
    }

    /** Steps from the process's limits to the exec. */
    public void plan(LaunchPlan.Builder b, Spec.Process p, PlanRequest req, int startHookState,
            List<Spec.Hook> startHooks) {
        if (p.oomScoreAdj() != null) {
            b.add(new Step.WriteFile("/proc/self/oom_score_adj",
                    Integer.toString(p.oomScoreAdj()).getBytes(StandardCharsets.US_ASCII),
                    "set oom_score_adj to " + p.oomScoreAdj()));
        }
        if (p.rlimits() != null) {
            for (Spec.Rlimit r : p.rlimits()) {
                b.add(new Step.SetRlimit(RlimitResource.byName(r.type()).orElseThrow().resource(), r.soft(), r.hard(), r.type()));
            }
        }
        boolean seccompFirst = req.seccomp() != null && !p.isNoNewPrivileges();
        if (seccompFirst) {
            b.add(new Step.Seccomp(req.seccompFlags(), req.seccomp()));
        }
        Spec.Capabilities caps = p.capabilities();
        long held = host.permittedCaps();
        long bounding = clamp("bounding", caps == null ? 0 : Capabilities.mask(caps.bounding()), held);
        long effective = clamp("effective", caps == null ? 0 : Capabilities.mask(caps.effective()), held);
        long permitted = clamp("permitted", caps == null ? 0 : Capabilities.mask(caps.permitted()), held);
        long inheritable = caps == null ? 0 : Capabilities.mask(caps.inheritable());
        long ambient = caps == null ? 0 : Capabilities.mask(caps.ambient());
        b.add(new Step.CapBset(bounding, host.capLastCap()));
        b.add(new Step.KeepCaps(true));
        Spec.User u = p.user();
        int uid = u == null ? 0 : (int) u.uid();
        int gid = u == null ? 0 : (int) u.gid();
        List<Integer> groups = new ArrayList<>();
        if (u != null && u.additionalGids() != null) {
            u.additionalGids().forEach(g -> groups.add(g.intValue()));
        }
        b.add(new Step.SetGroups(groups));
        b.add(new Step.SetGid(gid));
        b.add(new Step.SetUid(uid));
        b.add(new Step.CapSet(effective, permitted, inheritable & bounding));
        if (ambient != 0) {
            b.add(new Step.Ambient(ambient & permitted & inheritable));
        }
        if (p.isNoNewPrivileges()) {
            b.add(new Step.NoNewPrivs());
        }
        if (u != null && u.umask() != null) {
            b.add(new Step.Umask(u.umask()));
        }
        b.add(new Step.Chdir(p.cwd() == null ? "/" : p.cwd()));
        if (req.seccomp() != null && !seccompFirst) {
            b.add(new Step.Seccomp(req.seccompFlags(), req.seccomp()));
        }
        b.add(new Step.CloseFds(3 + req.preserveFds()));
        b.add(new Step.Ready());
        if (req.execFifo() != null) {
            b.add(new Step.WaitFifo());
        }
        if (startHooks != null) {
            int i = 0;
            for (Spec.Hook h : startHooks) {
                b.add(hookStep(h, startHookState, "startContainer hook #" + i++ + " " + h.path()));
            }
        }
        b.add(new Step.Exec(p.args().getFirst(), p.args(), p.envOrEmpty()));
    }

    static Step.Hook hookStep(Spec.Hook h, int state, String what) {
        List<String> args = h.args() == null || h.args().isEmpty() ? List.of(h.path()) : h.args();
        return new Step.Hook(h.path(), args, h.env() == null ? List.of() : h.env(),
                h.timeout() == null ? 0 : h.timeout(), state, what);
    }

    private long clamp(String set, long wanted, long held) {
        long missing = wanted & ~held;
        if (missing != 0) {
            LOG.warning(set + " capabilities " + Capabilities.names(missing)
                    + " are not held by berth and are not granted");
        }
        return wanted & held;
    }
}
