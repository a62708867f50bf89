package dev.berth.runtime.container;

import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import dev.berth.oci.runtime.SpecValidator;
import dev.berth.runtime.ProcInfo;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.StartTrace;
import dev.berth.runtime.plan.HostFacts;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.PlanException;
import dev.berth.runtime.plan.PlanRequest;
import dev.berth.runtime.plan.SpecPlanner;
import dev.berth.runtime.shim.ShimProcess;
import dev.berth.runtime.state.AtomicFile;
import dev.berth.runtime.state.ContainerRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code create}: validates the bundle, plans the launch and runs it up to the exec fifo (or,
 * for {@code run}, up to the exec under a monitoring shim). Everything is checked before
 * anything is created, and a failure midway removes what was made: the process, its cgroups
 * and the state directory.
 */
public final class Create {
    /**
     * How to create: the runc flags that shape a launch. {@code holdOutput} (monitor mode only)
     * makes the shim hold its fifo stdout and stderr open for reading, so that a daemon reading
     * them may go away and come back without the container dying of SIGPIPE meanwhile.
     */
    public record Options(String id, Path bundle, Path pidFile, Path consoleSocket, boolean noPivot,
            int preserveFds, boolean monitor, boolean waitOnFifo, boolean holdOutput, boolean holdInput) {
        /**
         * Options whose stdin is not held. {@code holdInput} (with {@code holdOutput}) makes the
         * shim hold a write end of its fifo stdin, for an input that its writer never closes on
         * purpose: the container then reads no end of input when a daemon writing it goes away.
         */
        public Options(String id, Path bundle, Path pidFile, Path consoleSocket, boolean noPivot, int preserveFds,
                boolean monitor, boolean waitOnFifo, boolean holdOutput) {
            this(id, bundle, pidFile, consoleSocket, noPivot, preserveFds, monitor, waitOnFifo, holdOutput, false);
        }
    }

    private final RuntimeContext ctx;

    public Create(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    /** Creates the container; in monitor mode the returned launch still holds its shim. */
    public Launch.Started create(Options o) throws RuntimeFailure, IOException {
        return createParsed(o).launch();
    }

    /** A created container's launch and the spec it was created from, for callers that go on with both. */
    record Created(Launch.Started launch, Spec spec) {}

    /**
     * A container started under its monitoring shim for a caller that stays with it (the
     * daemon): the shim, which reports the exit and takes signals, and the container's pid.
     */
    public record Monitored(ShimProcess shim, int pid) {}

    /**
     * Creates and starts a container in monitor mode ({@code o.monitor()} must be set), its stdio
     * (the shim's, which the container inherits) redirected as given.
     */
    public Monitored startMonitored(Options o, ProcessBuilder.Redirect stdin, ProcessBuilder.Redirect stdout,
            ProcessBuilder.Redirect stderr) throws RuntimeFailure, IOException {
        if (!o.monitor() || o.waitOnFifo()) {
            throw new IllegalArgumentException("startMonitored needs monitor mode without the exec fifo");
        }
        Launch.Started started = createParsed(o, stdin, stdout, stderr).launch();
        StartTrace.mark("start process");
        return new Monitored(started.shim(), started.pid());
    }

    /** {@link #create}, also handing back the parsed spec so that {@code run} need not read it again. */
    Created createParsed(Options o) throws RuntimeFailure, IOException {
        return createParsed(o, ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.INHERIT,
                ProcessBuilder.Redirect.INHERIT);
    }

    /** {@link #createParsed(Options)} with the shim's (and so the container's) stdio given. */
    Created createParsed(Options o, ProcessBuilder.Redirect stdin, ProcessBuilder.Redirect stdout,
            ProcessBuilder.Redirect stderr) throws RuntimeFailure, IOException {
        dev.berth.runtime.state.StateStore.checkId(o.id());
        Path bundle = o.bundle().toAbsolutePath().normalize();
        byte[] config = readConfig(bundle);
        Spec spec = parse(config);
        StartTrace.mark("read config.json");
        Path rootfs = bundle.resolve(spec.root().path()).normalize();
        try {
            SpecValidator.validate(spec, bundle);
            SpecValidator.validateArgs0(spec, rootfs);
        } catch (InvalidSpecException e) {
            throw new RuntimeFailure(e.getMessage(), e);
        }
        if (spec.process().isTerminal() && o.consoleSocket() == null && !o.monitor()) {
            throw new RuntimeFailure("cannot allocate tty if berth-runtime will detach without setting console socket");
        }
        if (!spec.process().isTerminal() && o.consoleSocket() != null) {
            throw new RuntimeFailure("cannot use console socket if berth-runtime will not detach or allocate tty");
        }
        StartTrace.mark("validate");
        var seccomp = Seccomp.compile(spec);
        StartTrace.mark("compile seccomp");
        HostFacts host = HostFacts.read();
        String cgroupPath = CgroupSetup.pathFor(spec, o.id());
        var cgroupHost = CgroupSetup.host();
        StartTrace.mark("read host facts");

        Path dir;
        try {
            dir = ctx.store().reserve(o.id());
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeFailure(e.getMessage());
        }
        Cgroup cgroup = null;
        boolean done = false;
        try {
            Path fifo = o.waitOnFifo() ? dir.resolve("exec.fifo") : null;
            Path exit = o.monitor() ? dir.resolve("exit") : null;
            PlanRequest req = new PlanRequest(spec, rootfs, fifo, exit, o.holdOutput(), o.consoleSocket(),
                    o.noPivot(), o.preserveFds(), seccomp == null ? null : seccomp.program(),
                    seccomp == null ? 0 : seccomp.flags(), cgroupHost.mountsFor(cgroupPath), o.holdInput());
            LaunchPlan plan;
            try {
                plan = new SpecPlanner(host).plan(req, bundle);
            } catch (PlanException e) {
                throw new RuntimeFailure(e.getMessage(), e);
            }
            StartTrace.mark("plan");
            cgroup = cgroupHost.create(cgroupPath, spec.linux() == null ? null : spec.linux().resources(),
                    spec.linux() == null ? null : spec.linux().devices());
            StartTrace.mark("create cgroups");
            final Cgroup cg = cgroup;
            String created = Instant.now().toString();
            Launch.Started started = Launch.start(ctx, plan, ctx.socketPath(dir, "init.sock"),
                    pid -> atSyncPoint(spec, bundle, o.id(), cg, pid), stdin, stdout, stderr);
            StartTrace.mark("shim until ready");
            ContainerRecord record = new ContainerRecord(o.id(), bundle.toString(), rootfs.toString(),
                    started.pid(), ProcInfo.startTime(started.pid()), created, "", cgroupPath,
                    o.monitor(), spec.annotations());
            // The bytes as given: they parsed to this spec, and writing them back costs a serializer.
            ctx.store().saveSpec(o.id(), config);
            ctx.store().save(record);
            if (o.pidFile() != null) {
                writePidFile(o.pidFile(), started.pid());
            }
            StartTrace.mark("write state");
            done = true;
            return new Created(started, spec);
        } finally {
            if (!done) {
                if (cgroup != null) {
                    cgroup.destroyQuietly();
                }
                ctx.store().remove(o.id());
            }
        }
    }

    /** Sync point 1: the process exists and waits. Place it, map its ids, run the runtime's hooks. */
    private List<String> atSyncPoint(Spec spec, Path bundle, String id, Cgroup cgroup, int pid)
            throws RuntimeFailure, IOException {
        cgroup.add(pid);
        IdMaps.write(spec, pid);
        var hooks = spec.hooks();
        if (hooks == null) {
            return List.of("", ""); // no hook in the child reads a state
        }
        String creating = Hooks.state(spec, id, "creating", pid, bundle);
        Hooks.run("prestart", hooks.prestart(), creating);
        Hooks.run("createRuntime", hooks.createRuntime(), creating);
        return List.of(creating, Hooks.state(spec, id, "created", pid, bundle));
    }

    static byte[] readConfig(Path bundle) throws RuntimeFailure, IOException {
        Path config = bundle.resolve("config.json");
        try {
            return Files.readAllBytes(config);
        } catch (NoSuchFileException e) {
            throw new RuntimeFailure("config.json: " + config + " does not exist");
        }
    }

    static Spec parse(byte[] config) throws RuntimeFailure {
        try {
            return OciJson.readSpec(config);
        } catch (InvalidSpecException e) {
            throw new RuntimeFailure(e.getMessage(), e);
        }
    }

    static void writePidFile(Path pidFile, int pid) throws IOException {
        Path abs = pidFile.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        AtomicFile.write(abs, Integer.toString(pid).getBytes(StandardCharsets.US_ASCII));
    }
}
