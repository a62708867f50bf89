package dev.berth.runtime.plan;

import dev.berth.oci.runtime.NamespaceType;
import dev.berth.oci.runtime.Spec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated spec into the {@link LaunchPlan} of a container's init process. The plan
 * follows the sync points of {@code native/shim/PLAN.md}: the shim joins existing namespaces
 * and clones into new ones; the runtime places the new process in its cgroups and writes its id
 * maps while it waits; then the child builds its filesystem, drops privileges and execs.
 */
public final class SpecPlanner {
    /** The order in which existing namespaces are joined: user first (it grants the rights to
     * join the others), mount last (joining it changes how the other paths resolve). */
    private static final List<String> JOIN_ORDER =
            List.of("user", "ipc", "uts", "network", "pid", "cgroup", "time", "mount");

    private final HostFacts host;
    private final ProcessPlanner processes;
    private final RootfsPlanner rootfs;

    public SpecPlanner(HostFacts host) {
        this.host = host;
        this.processes = new ProcessPlanner(host);
        this.rootfs = new RootfsPlanner(host);
    }

    public LaunchPlan plan(PlanRequest req, Path bundle) throws PlanException {
        Spec spec = req.spec();
        Spec.Process p = spec.process();
        processes.checkGrantable(p);
        var linux = spec.linux();
        var namespaces = linux == null || linux.namespaces() == null
                ? List.<dev.berth.oci.runtime.Linux.Namespace>of() : linux.namespaces();
        LaunchPlan.Builder b = new LaunchPlan.Builder();

        // Host paths first: once the shim joins a mount namespace by path they would resolve there.
        if (req.execFifo() != null) {
            b.add(new Step.MkFifo(req.execFifo().toString(), 0622));
        }
        if (p.isTerminal() && req.consoleSocket() != null) {
            b.add(new Step.ConsoleSocket(req.consoleSocket().toString()));
        }
        if (req.exitFile() != null) {
            // A monitor that outlives its output's reader (a daemon's) also leaves that caller's
            // session, so that a signal to the caller's process group (Ctrl-C on a berthd in a
            // terminal) does not reach it either.
            b.add(new Step.Monitor(req.exitFile().toString(),
                    (req.holdOutput() ? Step.Monitor.HOLD_OUTPUT | Step.Monitor.SETSID : 0)
                            | (req.holdOutput() && req.holdInput() ? Step.Monitor.HOLD_INPUT : 0)));
        }
        for (String type : JOIN_ORDER) {
            for (var ns : namespaces) {
                if (ns.type().equals(type) && ns.path() != null && !ns.path().isEmpty()) {
                    b.add(new Step.SetNs(ns.path(), NamespaceType.bySpecName(type).orElseThrow().cloneFlag()));
                }
            }
        }
        int cloneFlags = 0;
        boolean newUser = false, newMount = false, newCgroup = false, newTime = false;
        for (var ns : namespaces) {
            if (ns.path() != null && !ns.path().isEmpty()) {
                continue;
            }
            switch (ns.type()) {
                case "time" -> newTime = true;
                case "cgroup" -> newCgroup = true;
                default -> cloneFlags |= NamespaceType.bySpecName(ns.type()).orElseThrow().cloneFlag();
            }
            newUser |= ns.type().equals("user");
            newMount |= ns.type().equals("mount");
        }
        if (!newMount && namespaces.stream().noneMatch(n -> n.type().equals("mount"))) {
            throw new PlanException("linux.namespaces: a mount namespace is required to use a root filesystem");
        }
        if (newTime) {
            // clone(2) cannot take NamespaceType.TIME.cloneFlag() (it overlaps CSIGNAL): the shim unshares it, and
            // its child, born after, is the first member of the new time namespace.
            b.add(new Step.Unshare(NamespaceType.TIME.cloneFlag()));
            Map<String, dev.berth.oci.runtime.Linux.TimeOffset> offsets = linux.timeOffsets();
            if (offsets != null && !offsets.isEmpty()) {
                StringBuilder text = new StringBuilder();
                offsets.forEach((clock, o) -> text.append(clock).append(' ').append(o.secs())
                        .append(' ').append(o.nanosecs()).append('\n'));
                b.add(new Step.WriteFile("/proc/self/timens_offsets",
                        text.toString().getBytes(StandardCharsets.US_ASCII), "set time namespace offsets"));
            }
        }
        b.add(new Step.Clone(cloneFlags));

        // -- sync point 1 has passed: the child is in its cgroups and has its id maps.
        if (newCgroup) {
            b.add(new Step.Unshare(NamespaceType.CGROUP.cloneFlag()));
        }
        if (req.execFifo() != null) {
            b.add(new Step.OpenFifo(req.execFifo().toString()));
        }
        if (newUser) {
            // Become the namespace's root so files made during setup get a mapped owner.
            b.add(new Step.SetGid(0));
            b.add(new Step.SetUid(0));
        }
        if (spec.hostname() != null && (cloneFlags & NamespaceType.UTS.cloneFlag()) != 0) {
            b.add(new Step.SetHostname(spec.hostname()));
        }
        if (spec.domainname() != null && (cloneFlags & NamespaceType.UTS.cloneFlag()) != 0) {
            b.add(new Step.SetDomainname(spec.domainname()));
        }
        if (newMount) {
            rootfs.plan(b, req, bundle, newUser, newCgroup);
        } else {
            b.add(new Step.Chroot(req.rootfs().toString()));
        }
        if (p.isTerminal()) {
            var size = p.consoleSize();
            b.add(new Step.Terminal(size == null ? 0 : size.height(), size == null ? 0 : size.width(),
                    p.user() == null ? 0 : (int) p.user().uid(), p.user() == null ? 0 : (int) p.user().gid()));
        }
        rootfs.planAfterPivot(b, spec);
        if (linux != null && linux.personality() != null) {
            b.add(new Step.Personality("LINUX32".equals(linux.personality().domain()) ? 0x0008 : 0));
        }
        processes.plan(b, p, req, 1, spec.hooks() == null ? null : spec.hooks().startContainer());
        return b.build();
    }
}
