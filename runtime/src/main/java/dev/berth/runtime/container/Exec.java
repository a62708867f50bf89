package dev.berth.runtime.container;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.NamespaceType;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.plan.HostFacts;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.PlanException;
import dev.berth.runtime.plan.PlanRequest;
import dev.berth.runtime.plan.ProcessPlanner;
import dev.berth.runtime.plan.Step;
import dev.berth.runtime.shim.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code exec}: runs another process in a running container. The shim joins each of the init's
 * namespaces through {@code /proc/<pid>/ns}, user namespace first and mount namespace last,
 * then forks so the new process is inside the pid namespace too; the runtime adds it to the
 * container's cgroups at sync point 1. The container's seccomp filter applies to it as well.
 */
public final class Exec {
    /** How to exec: the process (already merged with the container's defaults) and runc's flags. */
    public record Options(String id, Spec.Process process, Path pidFile, Path consoleSocket,
            boolean detach, int preserveFds) {}

    private static final List<String> JOIN_ORDER =
            List.of("user", "ipc", "uts", "network", "pid", "cgroup", "time", "mount");

    private final RuntimeContext ctx;

    public Exec(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    /** Returns the exit code in the foreground, 0 when detached. */
    public int exec(Options o) throws RuntimeFailure, IOException {
        Prepared prepared = prepare(o);
        Launch.Started started = launch(prepared, ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.INHERIT,
                ProcessBuilder.Redirect.INHERIT);
        if (o.pidFile() != null) {
            Create.writePidFile(o.pidFile(), started.pid());
        }
        if (o.detach()) {
            started.shim().close();
            return 0;
        }
        try (var shim = started.shim()) {
            return Run.exitCode(shim.awaitExit());
        } catch (ShimException e) {
            throw new RuntimeFailure(Launch.message(prepared.plan(), e), e);
        }
    }

    /**
     * Starts the process under a monitoring shim that stays with the caller (a daemon), its stdio
     * (the shim's) redirected as given. With a terminal and no console socket the shim holds the
     * pty master and copies between it and its own stdio, as it does for a container's init.
     * {@code o.detach()} must be false: the caller follows the exit through the shim.
     */
    public Create.Monitored startMonitored(Options o, ProcessBuilder.Redirect stdin, ProcessBuilder.Redirect stdout,
            ProcessBuilder.Redirect stderr) throws RuntimeFailure, IOException {
        if (o.detach()) {
            throw new IllegalArgumentException("startMonitored follows the process: it cannot detach");
        }
        Launch.Started started = launch(prepare(o), stdin, stdout, stderr);
        return new Create.Monitored(started.shim(), started.pid());
    }

    /** A checked exec: its plan, and the container it joins. */
    private record Prepared(LaunchPlan plan, Container container) {}

    private Launch.Started launch(Prepared prepared, ProcessBuilder.Redirect stdin, ProcessBuilder.Redirect stdout,
            ProcessBuilder.Redirect stderr) throws RuntimeFailure, IOException {
        Container c = prepared.container();
        // One socket per exec: several may start at once in a daemon.
        Path sock = ctx.socketPath(c.dir(), "exec-" + ProcessHandle.current().pid() + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8) + ".sock");
        return Launch.start(ctx, prepared.plan(), sock, pid -> {
            c.cgroup().add(pid);
            return List.of("", "");
        }, stdin, stdout, stderr);
    }

    private Prepared prepare(Options o) throws RuntimeFailure, IOException {
        Container c = Container.load(ctx, o.id());
        if (c.status() == Status.STOPPED) {
            throw new RuntimeFailure("cannot exec in a stopped container");
        }
        if (c.status() == Status.PAUSED) {
            throw new RuntimeFailure("cannot exec in a paused container");
        }
        Spec spec = ctx.store().loadSpec(o.id());
        Spec.Process p = o.process();
        if (p.args() == null || p.args().isEmpty()) {
            throw new RuntimeFailure("exec: process.args must not be empty");
        }
        if (p.isTerminal() && o.detach() && o.consoleSocket() == null) {
            throw new RuntimeFailure("cannot allocate tty if berth-runtime will detach without setting console socket");
        }
        // Looked up before anything starts, through the container's own root: with --detach the
        // shim is gone by the time an exec could fail, and its error would have no one to tell.
        try {
            dev.berth.oci.runtime.SpecValidator.validateArgs0(new Spec(spec.ociVersion(), spec.root(), spec.mounts(),
                    p, spec.hostname(), spec.domainname(), null, spec.annotations(), spec.linux()),
                    Path.of("/proc", Integer.toString(c.pid()), "root"));
        } catch (dev.berth.oci.runtime.InvalidSpecException e) {
            throw new RuntimeFailure("exec: " + e.getMessage(), e);
        }
        var seccomp = Seccomp.compile(spec);
        HostFacts host = HostFacts.read();
        ProcessPlanner planner = new ProcessPlanner(host);
        LaunchPlan.Builder b = new LaunchPlan.Builder();
        List<Linux.Namespace> namespaces = spec.linux() == null || spec.linux().namespaces() == null
                ? List.of() : spec.linux().namespaces();
        // The console socket is a host path: connect before joining the container's mount namespace.
        if (p.isTerminal() && o.consoleSocket() != null) {
            b.add(new Step.ConsoleSocket(o.consoleSocket().toAbsolutePath().toString()));
        }
        if (!o.detach()) {
            b.add(new Step.Monitor("", 0));
        }
        for (String type : JOIN_ORDER) {
            if (namespaces.stream().anyMatch(n -> n.type().equals(type))) {
                Path ns = Path.of("/proc", Integer.toString(c.pid()), "ns",
                        NamespaceType.bySpecName(type).orElseThrow().procName());
                b.add(new Step.SetNs(ns.toString(), NamespaceType.bySpecName(type).orElseThrow().cloneFlag()));
            }
        }
        b.add(new Step.Clone(0));
        if (p.isTerminal()) {
            var size = p.consoleSize();
            b.add(new Step.Terminal(size == null ? 0 : size.height(), size == null ? 0 : size.width(),
                    p.user() == null ? 0 : (int) p.user().uid(), p.user() == null ? 0 : (int) p.user().gid()));
        }
        PlanRequest req = new PlanRequest(spec, Path.of(c.record().rootfs()), null, null, false, o.consoleSocket(),
                false, o.preserveFds(), seccomp == null ? null : seccomp.program(),
                seccomp == null ? 0 : seccomp.flags(), null);
        try {
            planner.checkGrantable(p);
        } catch (PlanException e) {
            throw new RuntimeFailure(e.getMessage());
        }
        planner.plan(b, p, req, 1, null);
        return new Prepared(b.build(), c);
    }

    /** The process for {@code exec ARGS}: the container's own process with runc's overrides. */
    public static Spec.Process fromFlags(Spec spec, List<String> args, List<String> env, String cwd,
            Spec.User user, List<String> addCaps, boolean tty, boolean noNewPrivs, String apparmor) {
        Spec.Process base = spec.process();
        List<String> mergedEnv = new ArrayList<>(base.envOrEmpty());
        mergedEnv.addAll(env);
        Spec.Capabilities caps = base.capabilities();
        if (!addCaps.isEmpty()) {
            caps = new Spec.Capabilities(plus(caps == null ? null : caps.bounding(), addCaps),
                    plus(caps == null ? null : caps.effective(), addCaps),
                    plus(caps == null ? null : caps.inheritable(), addCaps),
                    plus(caps == null ? null : caps.permitted(), addCaps),
                    plus(caps == null ? null : caps.ambient(), addCaps));
        }
        return new Spec.Process(tty, null, cwd != null ? cwd : base.cwd(), mergedEnv, args, null,
                base.rlimits(), apparmor != null ? apparmor : base.apparmorProfile(), caps,
                noNewPrivs || base.isNoNewPrivileges(), null, base.selinuxLabel(),
                user != null ? user : base.user(), null, null, null);
    }

    private static List<String> plus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a == null ? List.of() : a);
        for (String s : b) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
