package dev.berth.daemon.container;

import dev.berth.linux.CgroupNotifications;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.EventFd;
import dev.berth.linux.Pidfd;
import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.ProcInfo;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Cgroup;
import dev.berth.runtime.container.Container;
import dev.berth.runtime.container.Create;
import dev.berth.runtime.container.Delete;
import dev.berth.runtime.container.Kill;
import dev.berth.runtime.container.Pause;
import dev.berth.runtime.container.RuntimeContext;
import dev.berth.runtime.container.Update;
import dev.berth.runtime.shim.ShimException;
import dev.berth.runtime.shim.ShimProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs containers through the runtime library, in-process: the bundle ({@code config.json}) and
 * the output fifos go to {@code <exec-root>/containers/<id>/}, the runtime's state to
 * {@code <exec-root>/runtime/}, and each container runs under its shim in monitor mode, in a
 * session of its own, holding its output fifos open (so a berthd that goes away does not take
 * the container with it, see {@link #adopt}). One {@link ContainerWatch} thread follows them
 * all: each container's end (a pidfd of its shim, after which the shim's exit report is read),
 * its OOMs (reported to the runner's OOM listener as they happen) and its output, which a
 * {@link FifoPump} per stream moves into the container's {@link ContainerOutput}.
 */
final class ContainerRunner {
    /**
     * What a run ended with: the wait status (as waitpid gives it), if it never ran, why, and
     * whether the OOM killer killed a process of the container meanwhile.
     */
    record Exit(int status, String error, boolean oomKilled) {
        Exit(int status, String error) {
            this(status, error, false);
        }

        /** The exit code as a shell reports it: the code, or 128 + the signal. */
        int code() {
            int signal = status & 0x7f;
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
        }
    }

    /**
     * One running container: its shim (null for one adopted after a restart, which is followed
     * through its pidfd), the container's pid, its output, and its exit.
     */
    record Running(String id, ShimProcess shim, int pid, ContainerRecord.Monitor monitor, ContainerOutput output,
            List<FifoPump> pumps, CompletableFuture<Exit> exit, ContainerInput input) {}

    private static final System.Logger LOG = System.getLogger(ContainerRunner.class.getName());

    private final RuntimeContext runtime;
    private final Path containers;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final ContainerWatch watch;
    private final Consumer<String> oomListener;

    /**
     * The shim is the runtime's: {@code -Dberth.shim}, which {@code bin/berthd} sets (see
     * {@link RuntimeContext#of}). {@code oomListener} is told a container's id when the OOM killer
     * is called on its cgroup, as it happens, and before that container's exit is reported.
     */
    ContainerRunner(Path execRoot, Consumer<String> oomListener) throws IOException {
        this.runtime = RuntimeContext.of(Files.createDirectories(execRoot.resolve("runtime")));
        this.containers = Files.createDirectories(execRoot.resolve("containers"));
        this.watch = ContainerWatch.start();
        this.oomListener = oomListener;
    }

    /** The runtime the containers run through, which an exec joins them with. */
    RuntimeContext runtime() {
        return runtime;
    }

    Optional<Running> get(String id) {
        return Optional.ofNullable(running.get(id));
    }

    /**
     * Starts container {@code id} from {@code spec}, its output going to {@code log} and to whoever
     * {@code beforeLaunch} attaches; calls {@code onExit} once it has exited and its output has
     * been read to the end. An input that is open ({@code openStdin}) and not closed after the
     * first client ({@code stdinOnce}) is held open by the shim as well, so that a berthd that
     * goes away does not end it (a shell on a terminal would exit).
     */
    Running start(String id, Spec spec, JsonFileLog log, boolean openStdin, boolean stdinOnce,
            Consumer<ContainerOutput> beforeLaunch, Consumer<Exit> onExit) throws RuntimeFailure, IOException {
        Path bundle = Files.createDirectories(containers.resolve(id));
        Files.write(bundle.resolve("config.json"), OciJson.write(spec));
        ContainerOutput output = new ContainerOutput(log);
        beforeLaunch.accept(output); // clients that attached before the start see the first byte
        Path stdoutFifo = bundle.resolve("stdout");
        Path stderrFifo = bundle.resolve("stderr");
        FifoPump out = FifoPump.start(watch, stdoutFifo, ContainerOutput.STDOUT, output);
        FifoPump err = FifoPump.start(watch, stderrFifo, ContainerOutput.STDERR, output);
        ContainerInput input = openStdin ? ContainerInput.open(bundle.resolve("stdin")) : null;
        dev.berth.runtime.StartTrace.mark("write bundle and fifos");
        Create.Monitored monitored;
        try {
            cleanRuntimeState(id); // a run that a crash interrupted leaves its state behind
            monitored = new Create(runtime).startMonitored(
                    new Create.Options(id, bundle, null, null, false, 0, true, false, true, openStdin && !stdinOnce),
                    ProcessBuilder.Redirect.from(input != null ? input.fifo().toFile() : new java.io.File("/dev/null")),
                    ProcessBuilder.Redirect.appendTo(stdoutFifo.toFile()),
                    ProcessBuilder.Redirect.appendTo(stderrFifo.toFile()));
        } catch (RuntimeFailure | IOException | RuntimeException e) {
            out.drainAndStop();
            err.drainAndStop();
            output.exitRecorded();
            if (input != null) {
                input.close();
            }
            throw e;
        }
        CompletableFuture<Exit> exit = new CompletableFuture<>();
        long shimPid = monitored.shim().process().pid();
        Running r = new Running(id, monitored.shim(), monitored.pid(),
                new ContainerRecord.Monitor((int) shimPid, ProcInfo.startTime((int) shimPid)), output,
                List.of(out, err), exit, input);
        running.put(id, r);
        // Off the start path: the OOM registration reads the runtime's state (1-8 ms here), and
        // an end that comes first waits in the pidfd meanwhile.
        Thread.ofVirtual().name("watch-" + id.substring(0, 12)).start(() -> {
            Pidfd shimEnd = shimPidfd(monitored.shim().process());
            if (shimEnd == null) {
                follow(r, onExit); // it has exited already
            } else {
                watchEnd(r, shimEnd, true, () -> follow(r, onExit));
            }
        });
        return r;
    }

    /**
     * Follows again a container that a previous berthd started and whose monitor still runs:
     * its fifos are read again from where the pipe stands (what it wrote meanwhile waited there,
     * the shim holding the pipes open), and its end is seen through a pidfd of the monitor.
     * {@code heldInput}: its stdin is one the shim holds open (see {@link #start}), written again.
     */
    Running adopt(String id, int pid, ContainerRecord.Monitor monitor, boolean heldInput, JsonFileLog log,
            Consumer<Exit> onExit) throws IOException {
        Path bundle = containers.resolve(id);
        ContainerOutput output = new ContainerOutput(log);
        Pidfd pidfd;
        try {
            pidfd = Pidfd.open(monitor.pid());
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage(), e);
        }
        FifoPump out = null;
        FifoPump err;
        try {
            out = FifoPump.start(watch, bundle.resolve("stdout"), ContainerOutput.STDOUT, output);
            err = FifoPump.start(watch, bundle.resolve("stderr"), ContainerOutput.STDERR, output);
        } catch (IOException | RuntimeException e) {
            if (out != null) {
                out.drainAndStop();
            }
            pidfd.close();
            throw e;
        }
        // An input the shim holds open (see start) is written again; one it did not hold ended
        // when its writer, the berthd that died, went away, and is left so.
        Path stdin = bundle.resolve("stdin");
        ContainerInput input = heldInput && Files.exists(stdin) ? ContainerInput.open(stdin) : null;
        Running r = new Running(id, null, pid, monitor, output, List.of(out, err), new CompletableFuture<>(), input);
        running.put(id, r);
        // the monitor is gone once its pidfd turns readable; its exit file says how the container ended
        watchEnd(r, pidfd, false, () -> finish(r, new Exit(exitFileStatus(id), null), onExit));
        return r;
    }

    /**
     * A pidfd of the shim, or null if it has exited already. The shim is our child, so its pid
     * cannot be taken by another process before it is reaped; the JDK reaps it as soon as it
     * exits, so a pidfd opened after that might be another process's: one opened while the
     * shim is still seen alive afterwards is its own.
     */
    private static Pidfd shimPidfd(Process shim) {
        Pidfd pidfd;
        try {
            pidfd = Pidfd.open((int) shim.pid());
        } catch (ErrnoException e) {
            return null;
        }
        if (!shim.isAlive()) {
            pidfd.close();
            return null;
        }
        return pidfd;
    }

    /**
     * Has the watch run {@code onEnd} once {@code end} (the pidfd of the shim or monitor) turns
     * readable, and report the container's OOMs meanwhile. Should the watch refuse, a platform
     * thread waits for the end as before the watch existed. {@code fresh}: the container has just
     * started, and an OOM in the moments before its eventfd existed is reported now (a small
     * memory limit is reached within milliseconds of the start); an adopted one's earlier OOMs
     * were reported by the berthd that saw them.
     */
    private void watchEnd(Running r, Pidfd end, boolean fresh, Runnable onEnd) {
        Cgroup cgroup = cgroupOf(r.id());
        // read before the eventfd exists, so that an OOM is counted here or signalled there, not both
        boolean oomBefore = fresh && cgroup != null && oomKills(cgroup) > 0;
        EventFd oom = cgroup == null ? null : oomEvents(r.id(), cgroup);
        if (oomBefore) {
            oomListener.accept(r.id()); // before its end can be handed on: oom comes before die
        }
        try {
            watch.follow(r.id(), end, oom, () -> oomListener.accept(r.id()), onEnd);
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.WARNING, "container " + r.id() + ": follow its end on a thread of its own: "
                    + e.getMessage());
            if (oom != null) {
                oom.close();
            }
            Thread.ofPlatform().daemon().name("monitor-" + r.id().substring(0, 12)).start(() -> {
                try (end) {
                    end.awaitExit(null);
                } catch (ErrnoException gone) {
                    // the process is gone either way
                }
                onEnd.run();
            });
        }
    }

    /** The container's cgroup as the runtime recorded it; null (and said in the log) if that cannot be read. */
    private Cgroup cgroupOf(String id) {
        try {
            return Container.load(runtime, id).cgroup();
        } catch (RuntimeFailure | IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "container " + id + ": no oom events as they happen: " + e.getMessage());
            return null;
        }
    }

    private static long oomKills(Cgroup cgroup) {
        try {
            return cgroup.oomKills();
        } catch (RuntimeFailure | RuntimeException e) {
            return 0; // nothing seen; the exit still reports an OOM (ContainerService.exited)
        }
    }

    /** An eventfd for OOMs in the container's cgroup v1 memory controller; null where there is none (v2 is not watched). */
    private EventFd oomEvents(String id, Cgroup cgroup) {
        try {
            Path memory = cgroup.dirs().get("memory");
            return memory == null || !Files.exists(memory.resolve("cgroup.event_control"))
                    ? null : CgroupNotifications.oom(memory);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "container " + id + ": no oom events as they happen: " + e.getMessage());
            return null;
        }
    }

    /** The end of a container whose monitor ended while no berthd was there to see it. */
    Exit exitWhileAway(String id) {
        Exit exit = Files.exists(runtime.store().dir(id).resolve("exit"))
                ? new Exit(exitFileStatus(id), null, oomKilled(id))
                : new Exit(255 << 8, "its monitor ended while berthd was down, without recording the exit");
        cleanRuntimeState(id);
        forget(id);
        return exit;
    }

    /** After the shim exited: reads its report, reads the output to its end, and cleans up the runtime's side. */
    private void follow(Running r, Consumer<Exit> onExit) {
        Exit exit;
        try {
            exit = new Exit(r.shim().awaitExit(), null);
        } catch (ShimException e) {
            exit = new Exit(127 << 8, e.detail().isEmpty() ? "exec failed: errno " + e.errno() : e.detail());
        } catch (IOException e) {
            exit = new Exit(exitFileStatus(r.id()), null);
        }
        try {
            r.shim().close();
        } catch (IOException ignored) {
            // the shim has exited
        }
        finish(r, exit, onExit);
    }

    private void finish(Running r, Exit exit, Consumer<Exit> onExit) {
        if (r.input() != null) {
            r.input().close();
        }
        r.pumps().forEach(FifoPump::drainAndStop);
        Exit ended = new Exit(exit.status(), exit.error(), oomKilled(r.id())); // before the cgroup goes
        cleanRuntimeState(r.id());
        running.remove(r.id());
        try {
            onExit.accept(ended);
        } finally {
            r.exit().complete(exit);
            r.output().exitRecorded();
        }
    }

    /** The shim writes the wait status to the runtime's exit file even when it cannot report it. */
    private int exitFileStatus(String id) {
        try {
            return Integer.parseInt(Files.readString(runtime.store().dir(id).resolve("exit")).trim());
        } catch (IOException | NumberFormatException e) {
            return 255 << 8;
        }
    }

    private void cleanRuntimeState(String id) {
        try {
            if (runtime.store().load(id).isPresent()) {
                new Delete(runtime).delete(id, true);
            }
        } catch (RuntimeFailure | IOException e) {
            System.getLogger(ContainerRunner.class.getName()).log(System.Logger.Level.WARNING,
                    "clean up the runtime state of " + id + ": " + e.getMessage());
        }
    }

    /** Sends {@code signal} to the container's process: through its shim, or for an adopted one, directly. */
    void signal(String id, int signal) throws IOException {
        Running r = running.get(id);
        if (r == null) {
            return;
        }
        if (r.shim() != null) {
            r.shim().signal(signal);
            return;
        }
        try {
            new Kill(runtime).kill(id, signal, false);
        } catch (RuntimeFailure e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Resizes the terminal of a container started with one; its shim holds the pty master. One
     * adopted after a restart has no control socket any more and keeps its size.
     */
    void resize(String id, int height, int width) {
        Running r = running.get(id);
        if (r == null) {
            return;
        }
        try {
            if (r.shim() != null) {
                r.shim().resize(height, width);
            } else {
                // adopted after a restart: no line to the shim, whose pty master we never had; the
                // container's process holds the slave, and a size set there signals it as well. Only
                // a pty is opened: opening and closing a stdin fifo would make us one of its writers.
                Path stdin = Path.of("/proc/" + r.pid() + "/fd/0");
                if (Files.readSymbolicLink(stdin).toString().startsWith("/dev/pts/")) {
                    dev.berth.linux.Terminals.resize(stdin, height, width);
                }
            }
        } catch (IOException e) {
            // the container is ending (or its stdin is no terminal); its size no longer matters
        }
    }

    /** Freezes ({@code true}) or thaws the container's processes through its cgroup. */
    void freeze(String id, boolean frozen) throws RuntimeFailure, IOException {
        Pause pause = new Pause(runtime);
        if (frozen) {
            pause.pause(id);
        } else {
            pause.resume(id);
        }
    }

    /** True if the OOM killer killed a process in the container's cgroup (which lives until the runtime's delete). */
    private boolean oomKilled(String id) {
        try {
            return runtime.store().load(id).isPresent() && oomKills(Container.load(runtime, id).cgroup()) > 0;
        } catch (RuntimeFailure | IOException | RuntimeException e) {
            return false; // no cgroup left to ask: nothing was seen
        }
    }

    /** The runtime's view of a running container, whose cgroup top, stats and update use. */
    Container runtimeContainer(String id) throws RuntimeFailure, IOException {
        return Container.load(runtime, id);
    }

    /** Applies new limits to the running container's cgroup and the runtime's stored spec. */
    void update(String id, dev.berth.oci.runtime.Linux.Resources resources) throws RuntimeFailure, IOException {
        new Update(runtime).update(id, resources);
    }

    /** Removes the bundle directory of a container that no longer runs. */
    void forget(String id) {
        try {
            dev.berth.image.content.DurableFiles.deleteTree(containers.resolve(id));
        } catch (IOException e) {
            // a leftover bundle under the exec root, which is a tmpfs in production
        }
    }
}
