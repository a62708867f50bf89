package dev.berth.daemon.container;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.container.ContainerBackend;
import dev.berth.daemon.api.container.ContainerSummary;
import dev.berth.daemon.api.system.ContainerCounts;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.daemon.image.ImageService;
import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Mount;
import dev.berth.image.snapshot.Mounter;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.image.store.ImageUsers;
import dev.berth.linux.MountInfo;
import dev.berth.oci.image.Digest;
import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.StartTrace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The daemon's containers: create, list, inspect, rename and remove, as the Container routes
 * ask for them ({@link ContainerBackend}). A container is a record in the {@link ContainerStore}
 * and a writable snapshot prepared on its image's top layer; its root filesystem is that
 * snapshot's mount, at {@code containers/<id>/rootfs} while mounted.
 *
 * <p>Create checks everything a start would: the request, the image, the name, and the OCI spec
 * itself, generated once with the root filesystem mounted (the user lookup reads the image's
 * {@code /etc/passwd}), so a bad option is a 400 at {@code docker create}, not a failure at
 * start. A create that fails leaves nothing: no record, no name, no snapshot, no mount.
 *
 * <p>Networking is the {@link ContainerNetworks}' business: which networks a container joins
 * is settled at create, its namespace is set up before each start and torn down after each end.
 */
public final class ContainerService implements ContainerBackend, ContainerPids, ImageUsers {
    private final ContainerStore store;
    private final ImageService images;
    private final EventBus events;
    private final HostProfile host;
    private final ContainerRunner runner;
    /** Containers whose OOM was reported as it happened, so that their exit does not report it again. */
    private final Set<String> oomReported = ConcurrentHashMap.newKeySet();
    private volatile VolumeResolver volumes = VolumeResolver.none();
    private volatile ContainerNetworks networks = ContainerNetworks.none();
    private volatile HostConfig.LogConfig logDefaults = new HostConfig.LogConfig(LogSettings.JSON_FILE, Map.of());
    private final RestartSupervisor restarts = RestartSupervisor.onSystemClock();
    private final ContainerListing listing;
    private final ContainerInspection inspection;
    private volatile HealthChecks health = HealthChecks.none();

    public ContainerService(ContainerStore store, ImageService images, EventBus events, HostProfile host,
            Path execRoot) throws IOException {
        this.store = store;
        this.images = images;
        this.events = events;
        this.host = host;
        this.runner = new ContainerRunner(execRoot, this::oomNow);
        this.listing = new ContainerListing(store, () -> networks);
        this.inspection = new ContainerInspection(store, images::snapshots, () -> volumes, () -> execIds, () -> networks);
    }

    /**
     * Takes up the containers a previous daemon left (see {@link #settleAfterRestart}); call once,
     * after {@link #useVolumes} and {@link #useNetworks}, which the containers that ended meanwhile
     * are released from.
     */
    public void resume() {
        settleAfterRestart();
    }

    /**
     * The daemon's {@code --log-driver} and {@code --log-opt}s, which containers that name no
     * driver (or the same one) get, as dockerd's {@code mergeAndVerifyLogConfig} gives them.
     *
     * @throws InvalidContainerConfigException for a driver or option a container could not have either
     */
    public void useLogDefaults(String driver, Map<String, String> opts) {
        HostConfig.LogConfig defaults = new HostConfig.LogConfig(driver == null ? LogSettings.JSON_FILE : driver,
                Map.copyOf(opts));
        LogSettings.of(defaults);
        this.logDefaults = defaults;
    }

    /** The container's log config with the daemon's defaults merged in. */
    private HostConfig withLogDefaults(HostConfig hc) {
        HostConfig.LogConfig asked = hc.logConfig();
        HostConfig.LogConfig defaults = logDefaults;
        String type = asked == null || asked.type() == null || asked.type().isEmpty() ? defaults.type() : asked.type();
        Map<String, String> opts = new java.util.LinkedHashMap<>(asked == null || asked.config() == null
                ? Map.of() : asked.config());
        if (type.equals(defaults.type())) {
            defaults.config().forEach(opts::putIfAbsent);
        }
        return hc.withLogConfig(new HostConfig.LogConfig(type, opts));
    }

    /** Gives the containers the daemon's networks (until then: host, none and container:<x> only). */
    public void useNetworks(ContainerNetworks networks) {
        this.networks = networks;
    }

    /** Gives the containers the daemon's volumes (until then they may use binds and tmpfs only). */
    public void useVolumes(VolumeResolver volumes) {
        this.volumes = volumes;
    }

    /**
     * Docker's live restore: containers recorded as running by a daemon that is gone. One whose
     * monitor still runs is adopted (its output fifos read again, its exit followed through the
     * monitor's pidfd); one that ended meanwhile gets the exit code its monitor wrote to the
     * runtime's exit file, and is cleaned up as if the daemon had seen it end.
     */
    private void settleAfterRestart() {
        for (ContainerRecord r : store.all()) {
            if (!r.state().isRunning()) {
                continue;
            }
            ContainerRecord.Monitor m = r.state().monitor();
            String id = r.id();
            if (r.state().status().equals("restarting")) {
                restarts.schedule(id, RestartBackoff.FIRST, () -> restartNow(id, true)); // the daemon went down mid-backoff
                continue;
            }
            if (m != null && dev.berth.runtime.ProcInfo.alive(m.pid(), m.startTime())) {
                try {
                    JsonFileLog log = LogSettings.of(r.hostConfig().logConfig()).open(store.logFile(id));
                    boolean heldInput = Boolean.TRUE.equals(r.config().openStdin())
                            && !Boolean.TRUE.equals(r.config().stdinOnce());
                    runner.adopt(id, r.state().pid(), m, heldInput, log, exit -> exited(id, exit));
                    continue;
                } catch (IOException | RuntimeException e) {
                    System.getLogger(ContainerService.class.getName()).log(System.Logger.Level.WARNING,
                            "container " + id + ": cannot follow its monitor again: " + e.getMessage());
                }
            }
            exited(id, runner.exitWhileAway(id));
        }
        networks.retain(store.all().stream().filter(r -> r.state().isRunning()).map(ContainerRecord::id)
                .collect(java.util.stream.Collectors.toSet()));
        for (ContainerRecord r : store.all()) {
            ContainerRecord.State s = r.state();
            if (!s.isRunning() && !s.startedAt().equals(ContainerRecord.State.NEVER) && RestartPolicy.of(
                    r.hostConfig().restartPolicy()).atDaemonStart(s.exitCode(), s.stoppedByUser(), s.restartCount())) {
                restarts.schedule(r.id(), java.time.Duration.ZERO, () -> restartNow(r.id(), false));
            }
        }
    }

    /** A pending restart is due: the container starts again unless a stop or a removal cancelled it first. */
    private void restartNow(String id, boolean byPolicy) {
        synchronized (lockOf(id)) {
            if (!restarts.claim(id)) {
                return;
            }
            try {
                start(id, byPolicy);
            } catch (ApiException e) {
                System.getLogger(ContainerService.class.getName()).log(System.Logger.Level.WARNING,
                        "restart container " + id + ": " + e.getMessage());
            }
        }
    }

    /**
     * The user stops or kills the container: its restart policy holds back on this exit, and a
     * restart that was pending is cancelled, which ends the container at once (true).
     */
    private boolean stoppedByUser(String id) {
        synchronized (lockOf(id)) {
            ContainerRecord r = store.get(id);
            boolean cancelled = restarts.cancel(id);
            ContainerRecord.State s = r.state().withStoppedByUser(true);
            store.save(r.withState(cancelled ? s.exited(s.exitCode(), s.error(), s.finishedAt()) : s));
            return cancelled;
        }
    }

    // ---- create

    @Override
    public ContainerCreated create(String name, byte[] body) {
        CreateRequest parsed = parse(body);
        CreateRequest request = new CreateRequest(parsed.config(), withLogDefaults(parsed.hostConfig()));
        String imageName = request.config().image();
        if (imageName == null || imageName.isEmpty()) {
            throw ApiException.invalid("config.Image: no image was given");
        }
        Map<String, EndpointConfig> joins = networks.plan(request.hostConfig(), request.config(),
                endpointsOf(body));
        ImageService.ContainerBase base = images.containerBase(imageName);
        String id = ContainerNames.newId();
        String slashed = reserveName(name, id);
        boolean created = false;
        Snapshotter snapshots = base.snapshots();
        Path dir = store.dirOf(id);
        try {
            Files.createDirectories(dir);
            List<Mount> mounts = prepare(snapshots, id, initLayer(snapshots, id, base.topLayer(), dir));
            ContainerConfig config = ImageDefaults.merge(request.config(), base.config().config());
            validateSpec(id, base, request, mounts, dir, config.workingDir());
            List<String> argv = new ArrayList<>(config.entrypoint() == null ? List.of() : config.entrypoint());
            argv.addAll(config.cmd() == null ? List.of() : config.cmd());
            if (argv.isEmpty()) {
                throw ApiException.invalid("no command specified");
            }
            ContainerRecord record = new ContainerRecord(id, slashed, Instant.now().toString(), imageName,
                    base.imageId().toString(), request.config(), request.hostConfig(), config, argv.getFirst(),
                    List.copyOf(argv.subList(1, argv.size())), id, ContainerRecord.State.created(), joins);
            store.save(record);
            created = true;
            events.publish(EventType.CONTAINER, "create", id, Map.of("image", imageName, "name", record.shortName()));
            return new ContainerCreated(id, List.of());
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "create container: " + e.getMessage(), e);
        } finally {
            if (!created) {
                volumes.detach(id, true);
                store.release(slashed, id);
                removeSnapshot(snapshots, id);
                InitLayer.remove(snapshots, id);
                try {
                    store.remove(id);
                } catch (IOException ignored) {
                    // a leftover directory without a record is swept at the next start
                }
            }
        }
    }

    private static Map<String, EndpointConfig> endpointsOf(byte[] body) {
        try {
            return CreateRequest.endpoints(body);
        } catch (InvalidContainerConfigException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private static CreateRequest parse(byte[] body) {
        try {
            return CreateRequest.parse(body);
        } catch (InvalidContainerConfigException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private String reserveName(String name, String id) {
        if (name != null && !name.isEmpty()) {
            return store.reserve(name, id);
        }
        while (true) {
            String generated = ContainerNames.generate(store::isFree);
            try {
                return store.reserve(generated, id);
            } catch (ApiException e) {
                if (e.kind() != ErrorKind.CONFLICT) {
                    throw e;
                }
                // taken between the check and the reservation: draw again
            }
        }
    }

    private static List<Mount> prepare(Snapshotter snapshots, String id, String parent) {
        try {
            return snapshots.prepare(id, parent, Map.of("berth.container", id));
        } catch (ImageException e) {
            throw new ApiException(ErrorKind.INTERNAL, "prepare the writable layer of " + id + ": " + e.getMessage(), e);
        }
    }

    /** The container's {@link InitLayer} on the image's top layer: the parent of its writable layer. */
    private static String initLayer(Snapshotter snapshots, String id, String top, Path dir) throws IOException {
        try {
            return InitLayer.create(snapshots, id, top, dir.resolve("rootfs"));
        } catch (ImageException e) {
            throw new ApiException(ErrorKind.INTERNAL, "prepare the init layer of " + id + ": " + e.getMessage(), e);
        }
    }

    private static void removeSnapshot(Snapshotter snapshots, String key) {
        try {
            snapshots.remove(key);
        } catch (ImageException e) {
            // NOT_FOUND: it was never prepared; anything else is swept with the directory
        }
    }

    /**
     * Generates the container's spec once, against its mounted root filesystem, so that every
     * option the runtime would refuse is refused now. The spec itself is made again at each start.
     */
    private void validateSpec(String id, ImageService.ContainerBase base, CreateRequest request, List<Mount> mounts,
            Path dir, String workingDir) throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        NetworkFiles files = NetworkFiles.write(id, request, dir, host.hostname());
        try {
            Mounter.mountAll(mounts, rootfs);
        } catch (ImageException e) {
            throw new ApiException(ErrorKind.INTERNAL, "mount the root filesystem of " + id + ": " + e.getMessage(), e);
        }
        try {
            WorkingDirectory.make(rootfs, workingDir);
            new SpecGenerator(host, volumes, this).generate(id, base.config(), request, rootfs, files);
        } catch (InvalidContainerConfigException e) {
            throw ApiException.invalid(e.getMessage());
        } finally {
            try {
                Mounter.unmountAll(rootfs);
            } catch (ImageException e) {
                throw new ApiException(ErrorKind.INTERNAL, "unmount " + rootfs + ": " + e.getMessage(), e);
            }
        }
    }

    // ---- reading

    @Override
    public List<ContainerSummary> list(boolean all, int limit, Filters filters) {
        return listing.list(all, limit, filters);
    }

    @Override
    public Map<String, Object> inspect(String nameOrId) {
        return inspection.inspect(nameOrId);
    }

    // ---- hooks for ExecService, which runs processes in this service's containers

    /** The running execs of a container, for its inspect; set by {@link ExecService}. */
    private volatile java.util.function.Function<String, List<String>> execIds = id -> null;

    void setExecIds(java.util.function.Function<String, List<String>> execIds) {
        this.execIds = execIds;
    }

    /** Gives the running containers their health monitors; set by {@link ExecService}, which runs the probes. */
    void useHealthChecks(HealthChecks checks) {
        health = checks;
        store.all().stream().filter(r -> r.state().isRunning() && !r.state().status().equals("restarting"))
                .forEach(checks::follow); // adopted at berthd's start: probed anew
    }

    ContainerStore store() {
        return store;
    }

    ContainerRunner runner() {
        return runner;
    }

    HostProfile host() {
        return host;
    }

    // ---- running

    @Override
    public void start(String nameOrId) {
        start(nameOrId, false);
    }

    /** @param byPolicy started again by its restart policy: it counts on, and its backoff goes on growing */
    private void start(String nameOrId, boolean byPolicy) {
        ContainerRecord r = store.get(nameOrId);
        try (StartTrace trace = StartTrace.begin()) {
            start(r, byPolicy);
            // each stage of the start by name, so that a slow one shows which cost grew (--debug)
            System.getLogger(ContainerService.class.getName()).log(System.Logger.Level.DEBUG,
                    () -> "start trace " + r.id().substring(0, 12) + ": " + trace.summary());
        }
    }

    private void start(ContainerRecord r, boolean byPolicy) {
        synchronized (lockOf(r.id())) {
            r = store.get(r.id());
            if (r.state().isRunning() && !(byPolicy && r.state().status().equals("restarting"))) {
                return; // dockerd answers 304: already started
            }
            if (!byPolicy) {
                restarts.reset(r.id());
            }
            ImageService.ContainerBase base = images.containerBase(r.imageId());
            StartTrace.mark("resolve image");
            Path dir = store.dirOf(r.id());
            Path rootfs = dir.resolve("rootfs");
            JsonFileLog log = null;
            boolean started = false;
            try {
                Files.createDirectories(rootfs);
                if (!MountInfo.isMountPoint(rootfs)) {
                    Mounter.mountAll(images.snapshots().mounts(r.snapshot()), rootfs);
                }
                StartTrace.mark("mount snapshot");
                CreateRequest request = new CreateRequest(r.request(), r.hostConfig());
                ContainerNetworks.Attachment network = networks.attach(r);
                StartTrace.mark("dns and hosts");
                Spec spec;
                try {
                    spec = new SpecGenerator(host, volumes, this).generate(r.id(), base.config(), request, rootfs,
                            NetworkFiles.write(r.id(), request, dir, host.hostname(), network),
                            network == null ? null : network.namespacePath());
                } catch (InvalidContainerConfigException e) {
                    throw ApiException.invalid(e.getMessage());
                }
                StartTrace.mark("generate spec");
                log = LogSettings.of(r.hostConfig().logConfig()).open(store.logFile(r.id()));
                String id = r.id();
                List<ContainerOutput.Sink> attached = pendingAttach.remove(id);
                ContainerRunner.Running running = runner.start(id, spec, log, Boolean.TRUE.equals(r.config().openStdin()),
                        Boolean.TRUE.equals(r.config().stdinOnce()),
                        output -> (attached == null ? List.<ContainerOutput.Sink>of() : attached).forEach(output::attach),
                        exit -> exited(id, exit));
                CompletableFuture<ContainerRunner.Running> waiting = nextStart.remove(id);
                if (waiting != null) {
                    waiting.complete(running);
                }
                ContainerRecord now = r.withState(new ContainerRecord.State("running", running.pid(), 0, "",
                        Instant.now().toString(), ContainerRecord.State.NEVER, false, running.monitor(),
                        byPolicy ? r.state().restartCount() : 0, false, HealthChecks.atStart(r)));
                store.save(now);
                health.follow(now);
                StartTrace.mark("record running");
                started = true;
                volumes.mounted(id, true);
                events.publish(EventType.CONTAINER, "start", id, Map.of("name", now.shortName(), "image", now.image()));
            } catch (RuntimeFailure e) {
                if (e.getCause() instanceof InvalidSpecException bad && bad.field().equals("process.args[0]")) {
                    // the runtime looked the command up in the image; Docker's words make the CLI exit 127
                    String message = notFound(r);
                    failedStart(r, 127, message);
                    throw ApiException.invalid(message);
                }
                failedStart(r, 128, e.getMessage());
                throw new ApiException(ErrorKind.INTERNAL, "failed to start container " + r.id() + ": " + e.getMessage(), e);
            } catch (ApiException e) {
                failedStart(r, 128, e.getMessage());
                throw e;
            } catch (ImageException | IOException e) {
                failedStart(r, 128, e.getMessage());
                throw new ApiException(ErrorKind.INTERNAL, "failed to start container " + r.id() + ": " + e.getMessage(), e);
            } finally {
                if (!started && log != null) {
                    log.close();
                }
            }
        }
    }

    /** Docker's message for a command missing from the image, whose "executable file not found" makes the CLI exit 127. */
    private static String notFound(ContainerRecord r) {
        return "failed to create task for container: exec: \"" + r.path() + "\": executable file not found in $PATH";
    }

    /** A start that failed: recorded as Docker records it (exited, with the code and the error), unmounted. */
    private void failedStart(ContainerRecord r, int code, String error) {
        runner.forget(r.id());
        networks.detach(r.id());
        CompletableFuture<ContainerRunner.Running> waiting = nextStart.remove(r.id());
        if (waiting != null) {
            waiting.complete(null);
        }
        List<ContainerOutput.Sink> attached = pendingAttach.remove(r.id());
        if (attached != null) {
            attached.forEach(ContainerOutput.Sink::end);
        }
        unmountRootfs(r);
        volumes.releaseMounts(r.id());
        ContainerRecord now = r.withState(r.state().exited(code, error, Instant.now().toString()));
        store.save(now);
        waits.exited(r.id(), now); // the CLI waits before it starts: it gets the code
        if (Boolean.TRUE.equals(r.hostConfig().autoRemove())) {
            remove(r.id(), true, true);
        }
    }

    /**
     * The runner's report that the OOM killer was called on a running container's cgroup:
     * dockerd's {@code oom} event, sent as it happens (the container may well go on), and before
     * that container's {@code die}.
     */
    private void oomNow(String id) {
        store.find(id).ifPresent(r -> {
            oomReported.add(id);
            events.publish(EventType.CONTAINER, "oom", id, Map.of("name", r.shortName(), "image", r.image()));
        });
    }

    /** The runner's report: the container exited and its output was read to the end. */
    private void exited(String id, ContainerRunner.Exit exit) {
        ContainerRecord r;
        ContainerRecord now;
        boolean restarting;
        // Under the container's lock: a process that ends at once can be reported before start
        // has recorded it as running, and start's record must not land on top of its end.
        synchronized (lockOf(id)) {
            Optional<ContainerRecord> found = store.find(id);
            if (found.isEmpty()) {
                return;
            }
            r = found.get();
            health.stop(id);
            unmountRootfs(r);
            runner.forget(id);
            networks.detach(id);
            ContainerRecord.State s = r.state().exited(exit.code(), exit.error(), Instant.now().toString())
                    .withOomKilled(exit.oomKilled());
            restarting = restarts.afterExit(id, RestartPolicy.of(r.hostConfig().restartPolicy()), exit.code(),
                    s.stoppedByUser(), s.restartCount(), startedAt(s), () -> restartNow(id, true)).isPresent();
            now = r.withState(restarting ? s.restarting() : s);
            volumes.mounted(id, false);
            store.save(now);
        }
        boolean oomSeen = oomReported.remove(id);
        if (exit.oomKilled() && !oomSeen) { // one that ended while berthd was away, or a host without oom notifications
            events.publish(EventType.CONTAINER, "oom", id, Map.of("name", now.shortName(), "image", now.image()));
        }
        events.publish(EventType.CONTAINER, "die", id, Map.of("name", now.shortName(), "image", now.image(),
                "exitCode", Integer.toString(exit.code())));
        waits.exited(id, now);
        if (!restarting && Boolean.TRUE.equals(r.hostConfig().autoRemove())) {
            remove(id, true, true);
        }
    }

    private static Instant startedAt(ContainerRecord.State s) {
        return s.startedAt().equals(ContainerRecord.State.NEVER) ? null : Instant.parse(s.startedAt());
    }

    private void unmountRootfs(ContainerRecord r) {
        Path rootfs = store.dirOf(r.id()).resolve("rootfs");
        try {
            if (MountInfo.isMountPoint(rootfs)) {
                Mounter.unmountAll(rootfs);
            }
        } catch (ImageException e) {
            System.getLogger(ContainerService.class.getName()).log(System.Logger.Level.WARNING,
                    "unmount " + rootfs + ": " + e.getMessage());
        }
    }

    @Override
    public void kill(String nameOrId, String signal) {
        ContainerRecord r = store.get(nameOrId);
        if (!r.state().isRunning()) {
            throw ApiException.conflict("cannot kill container: " + r.id() + ": container " + r.id()
                    + " is not running");
        }
        int number = Signals.parse(signal == null || signal.isEmpty() ? "KILL" : signal);
        String stopSignal = r.config().stopSignal() != null ? r.config().stopSignal() : "TERM";
        if ((number == 9 || number == Signals.parse(stopSignal)) && stoppedByUser(r.id())) {
            return; // it was waiting to restart: that is cancelled, and nothing runs to be signalled
        }
        Optional<ContainerRunner.Running> running = runner.get(r.id());
        // dockerd's killWithSignal: a signal meant to end the container (SIGKILL, its stop signal,
        // or any signal where it names none) thaws a paused one after it is sent, so that it is
        // delivered; others leave it frozen, the signal pending
        boolean paused = r.state().status().equals("paused");
        String own = r.config().stopSignal();
        boolean thaw = paused && (own == null || own.isEmpty() || number == 9 || number == Signals.parse(own));
        try {
            runner.signal(r.id(), number);
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "kill " + r.id() + ": " + e.getMessage(), e);
        }
        events.publish(EventType.CONTAINER, "kill", r.id(), Map.of("name", r.shortName(), "image", r.image(),
                "signal", Integer.toString(number)));
        if (thaw) {
            thawIfPaused(r);
        }
        if (number == 9 && running.isPresent() && (thaw || !paused)) {
            // as dockerd's Kill: a SIGKILL answers once the container is seen to have exited (or 10 s
            // passed), so that the client's next request finds it exited
            try {
                running.get().exit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // reported when it comes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void stop(String nameOrId, String signal, Integer timeoutSeconds) {
        ContainerRecord r = store.get(nameOrId);
        if (r.state().isRunning() && stoppedByUser(r.id())) {
            events.publish(EventType.CONTAINER, "stop", r.id(), Map.of("name", r.shortName(), "image", r.image()));
            return;
        }
        r = store.get(r.id());
        Optional<ContainerRunner.Running> running = runner.get(r.id());
        if (!r.state().isRunning() || running.isEmpty()) {
            return; // dockerd answers 304: already stopped
        }
        String stopSignal = signal != null && !signal.isEmpty() ? signal
                : r.config().stopSignal() != null ? r.config().stopSignal() : "TERM";
        int timeout = timeoutSeconds != null ? timeoutSeconds
                : r.config().stopTimeout() != null ? r.config().stopTimeout() : 10;
        thawIfPaused(r);
        try {
            runner.signal(r.id(), Signals.parse(stopSignal));
            if (timeout < 0) {
                running.get().exit().join();
            } else {
                try {
                    running.get().exit().get(timeout, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    runner.signal(r.id(), 9);
                    running.get().exit().join();
                }
            }
        } catch (IOException | ExecutionException e) {
            throw new ApiException(ErrorKind.INTERNAL, "stop " + r.id() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorKind.UNAVAILABLE, "stop " + r.id() + ": interrupted", e);
        }
        events.publish(EventType.CONTAINER, "stop", r.id(), Map.of("name", r.shortName(), "image", r.image()));
    }

    @Override
    public void restart(String nameOrId, String signal, Integer timeoutSeconds) {
        ContainerRecord r = store.get(nameOrId);
        stop(r.id(), signal, timeoutSeconds);
        start(r.id());
        events.publish(EventType.CONTAINER, "restart", r.id(), Map.of("name", r.shortName(), "image", r.image()));
    }

    @Override
    public void pause(String nameOrId, boolean paused) {
        ContainerRecord r = store.get(nameOrId);
        synchronized (lockOf(r.id())) {
            r = store.get(r.id());
            String want = paused ? "running" : "paused";
            if (!r.state().status().equals(want)) {
                throw ApiException.conflict(paused ? "cannot pause container " + r.id() + ": container is not running"
                        : "Container " + r.id() + " is not paused");
            }
            try {
                runner.freeze(r.id(), paused);
            } catch (RuntimeFailure | IOException e) {
                throw new ApiException(ErrorKind.INTERNAL, (paused ? "pause " : "unpause ") + r.id() + ": "
                        + e.getMessage(), e);
            }
            ContainerRecord.State s = r.state();
            store.save(r.withState(new ContainerRecord.State(paused ? "paused" : "running", s.pid(), s.exitCode(),
                    s.error(), s.startedAt(), s.finishedAt(), s.oomKilled(), s.monitor(), s.restartCount(),
                    s.stoppedByUser(), s.health())));
        }
        events.publish(EventType.CONTAINER, paused ? "pause" : "unpause", r.id(),
                Map.of("name", r.shortName(), "image", r.image()));
    }

    /** A frozen process takes no signal until thawed: stop and forced removal thaw it first, as dockerd does. */
    private void thawIfPaused(ContainerRecord r) {
        if (r.state().status().equals("paused")) {
            try {
                pause(r.id(), false);
            } catch (ApiException e) {
                // it ended or was thawed meanwhile
            }
        }
    }

    @Override
    public List<String> prune(Filters filters) {
        filters.validate(Set.of("label", "label!"));
        List<String> removed = new ArrayList<>();
        for (ContainerRecord r : store.all()) {
            if (!r.state().isRunning() && filters.get("label").stream().allMatch(l -> ContainerListing.hasLabel(r, l))
                    && filters.get("label!").stream().noneMatch(l -> ContainerListing.hasLabel(r, l))) {
                try {
                    remove(r.id(), false, false);
                    removed.add(r.id());
                } catch (ApiException e) {
                    // started or removed meanwhile: not this prune's
                }
            }
        }
        return removed;
    }

    @Override
    public WaitHandle waitFor(String nameOrId, String condition) {
        ContainerRecord r = store.get(nameOrId);
        String c = ContainerWaits.condition(condition);
        synchronized (lockOf(r.id())) {
            return waits.register(store.get(r.id()), c);
        }
    }

    @Override
    public boolean tty(String nameOrId) {
        return store.get(nameOrId).config().isTty();
    }

    @Override
    public Attachment attach(String nameOrId, String detachKeys, AttachSink sink) {
        ContainerRecord r = store.get(nameOrId);
        String id = r.id();
        DetachKeys keys = DetachKeys.parse(detachKeys); // refused before the connection is taken over
        CompletableFuture<Void> ended = new CompletableFuture<>();
        ContainerOutput.Sink s = new ContainerOutput.Sink() {
            @Override
            public void write(int stream, byte[] data, int offset, int length) throws IOException {
                sink.write(stream, data, offset, length);
            }

            @Override
            public void end() {
                ended.complete(null);
            }
        };
        sink.onCancel(() -> {
            runner.get(id).ifPresent(running -> running.output().detach(s));
            ended.complete(null);
        });
        CompletableFuture<ContainerRunner.Running> target = currentOrNextStart(id);
        synchronized (lockOf(id)) {
            Optional<ContainerRunner.Running> running = runner.get(id);
            if (running.isPresent()) {
                running.get().output().attach(s);
            } else {
                pendingAttach.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(s);
            }
        }
        boolean openStdin = Boolean.TRUE.equals(r.config().openStdin());
        boolean once = Boolean.TRUE.equals(r.config().stdinOnce());
        return stdin -> {
            if (stdin != null && openStdin) {
                Thread.ofVirtual().name("stdin-" + id.substring(0, 12)).start(() -> {
                    ContainerRunner.Running running = target.join();
                    if (running != null && running.input() != null) {
                        if (!r.config().isTty()) {
                            running.input().copyFrom(stdin, once);
                            return;
                        }
                        // dockerd: on a terminal, the client's detach keys or end of input end its attachment only
                        running.input().copyFrom(keys.filter(stdin), false);
                        ended.complete(null);
                    }
                });
            }
            try {
                ended.join();
            } finally {
                List<ContainerOutput.Sink> pending = pendingAttach.get(id);
                if (pending != null) {
                    pending.remove(s);
                }
                sink.end();
            }
        };
    }

    @Override
    public void checkLogsReadable(String nameOrId) {
        ContainerLogs.checkReadable(store.get(nameOrId));
    }

    @Override
    public void resize(String nameOrId, int height, int width) {
        ContainerRecord r = store.get(nameOrId);
        if (!r.state().isRunning()) {
            throw ApiException.conflict("container " + r.id() + " is not running");
        }
        runner.resize(r.id(), height, width);
    }

    @Override
    public void logs(String nameOrId, LogOptions options, AttachSink sink) throws IOException {
        ContainerRecord r = store.get(nameOrId);
        ContainerLogs.write(store.logFile(r.id()), options.follow() ? runner.get(r.id()) : Optional.empty(), options,
                sink);
    }

    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Clients attached to a container that was not running yet: they get its next start's output. */
    private final Map<String, List<ContainerOutput.Sink>> pendingAttach = new ConcurrentHashMap<>();
    private final ContainerWaits waits = new ContainerWaits();

    /** Starts that attached clients wait for (their stdin goes to the container once it runs); null: it failed. */
    private final Map<String, CompletableFuture<ContainerRunner.Running>> nextStart =
            new ConcurrentHashMap<>();

    private CompletableFuture<ContainerRunner.Running> currentOrNextStart(String id) {
        synchronized (lockOf(id)) {
            Optional<ContainerRunner.Running> now = runner.get(id);
            return now.isPresent() ? CompletableFuture.completedFuture(now.get())
                    : nextStart.computeIfAbsent(id, k -> new CompletableFuture<>());
        }
    }

    /** {@code top}, {@code stats} and {@code update}, on this service's records, runner and locks. */
    public dev.berth.daemon.api.container.RunningContainerBackend running() {
        return new RunningContainers(store, runner, host, this::lockOf);
    }

    Object lockOf(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    // ---- changing

    @Override
    public void rename(String nameOrId, String newName) {
        if (newName == null || newName.isEmpty()) {
            throw ApiException.invalid("Neither old nor new names may be empty");
        }
        ContainerRecord found = store.get(nameOrId);
        ContainerRecord r;
        String slashed;
        // under the container's lock, on the record as it is now: a start, an exit or a health
        // probe saving meanwhile must neither undo the rename nor be undone by it
        synchronized (lockOf(found.id())) {
            r = store.get(found.id());
            slashed = store.reserve(newName, r.id());
            if (slashed.equals(r.name())) {
                throw ApiException.invalid("Renaming a container with the same name as its current name");
            }
            try {
                store.save(r.withName(slashed));
            } catch (UncheckedIOException e) {
                store.release(slashed, r.id());
                throw new ApiException(ErrorKind.INTERNAL, e.getMessage(), e);
            }
        }
        networks.renamed(r.id(), slashed.substring(1));
        events.publish(EventType.CONTAINER, "rename", r.id(), Map.of("name", slashed.substring(1),
                "oldName", r.name(), "image", r.image()));
    }

    @Override
    public void remove(String nameOrId, boolean force, boolean removeVolumes) {
        ContainerRecord r = store.get(nameOrId);
        if (r.state().isRunning() && !force) {
            throw ApiException.conflict("cannot remove container \"" + r.name() + "\": container is " + r.state().status()
                    + ": stop the container before removing or force remove");
        }
        synchronized (lockOf(r.id())) {
            restarts.reset(r.id()); // a pending restart must not start what is being removed
        }
        Optional<ContainerRunner.Running> running = runner.get(r.id());
        if (running.isPresent()) {
            thawIfPaused(r);
            try {
                runner.signal(r.id(), 9);
            } catch (IOException e) {
                // exiting already
            }
            running.get().exit().join();
            r = store.get(r.id());
        }
        Path rootfs = store.dirOf(r.id()).resolve("rootfs");
        try {
            if (MountInfo.isMountPoint(rootfs)) {
                Mounter.unmountAll(rootfs);
            }
        } catch (ImageException e) {
            throw new ApiException(ErrorKind.INTERNAL, "remove container " + r.id() + ": " + e.getMessage(), e);
        }
        removeSnapshot(images.snapshots(), r.snapshot());
        volumes.detach(r.id(), removeVolumes);
        InitLayer.remove(images.snapshots(), r.id());
        try {
            store.remove(r.id());
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "remove container " + r.id() + ": " + e.getMessage(), e);
        }
        runner.forget(r.id());
        events.publish(EventType.CONTAINER, "destroy", r.id(), Map.of("name", r.shortName(), "image", r.image()));
        waits.removed(r.id(), r);
        locks.remove(r.id());
    }

    // ---- for the networks

    /** Changes the networks the container joins at its next start ({@code docker network connect|disconnect}). */
    public ContainerRecord updateNetworks(String id, java.util.function.UnaryOperator<Map<String, EndpointConfig>> change) {
        synchronized (lockOf(id)) {
            ContainerRecord r = store.get(id);
            ContainerRecord now = r.withNetworks(change.apply(r.networks()));
            store.save(now);
            return now;
        }
    }

    /** Every container's record. */
    public List<ContainerRecord> records() {
        return store.all();
    }

    /** The record of a container; 404 {@code No such container: …} if there is none. */
    public ContainerRecord find(String nameOrId) {
        return store.get(nameOrId);
    }

    // ---- for the file routes (ContainerArchive) and commit (ContainerCommit)

    /** The volume manager the containers use, for the file routes to see volumes as the containers do. */
    VolumeResolver volumes() {
        return volumes;
    }

    /** The record of a container; 404 {@code No such container: …} if there is none. */
    ContainerRecord record(String nameOrId) {
        return store.get(nameOrId);
    }

    /**
     * Runs {@code work} on the container's root filesystem under the container's lock, mounted
     * for it if the container is stopped, the container frozen meanwhile with {@code freeze}
     * (see {@link RootfsSession}).
     */
    <T> T withRootfs(String nameOrId, boolean freeze, RootfsSession.Work<T> work) {
        String id = store.get(nameOrId).id();
        synchronized (lockOf(id)) {
            return RootfsSession.run(store.get(id), store.dirOf(id).resolve("rootfs"), images.snapshots(), runner,
                    freeze, work);
        }
    }

    /** How many containers run, are paused, and are stopped, for {@code /info}. */
    public ContainerCounts counts() {
        long running = 0;
        long paused = 0;
        long stopped = 0;
        for (ContainerRecord r : store.all()) {
            switch (r.state().status()) {
                case "running", "restarting" -> running++;
                case "paused" -> paused++;
                default -> stopped++;
            }
        }
        return new ContainerCounts(running, paused, stopped);
    }

    @Override
    public Optional<String> runningContainer(Digest imageId) {
        return store.all().stream().filter(r -> r.imageId().equals(imageId.toString()) && r.state().isRunning())
                .map(ContainerRecord::id).findFirst();
    }

    @Override
    public Optional<String> stoppedContainer(Digest imageId) {
        return store.all().stream().filter(r -> r.imageId().equals(imageId.toString()) && !r.state().isRunning())
                .map(ContainerRecord::id).findFirst();
    }

    @Override
    public OptionalLong pidOf(String nameOrId) {
        return store.find(nameOrId).filter(r -> r.state().isRunning()).map(r -> OptionalLong.of(r.state().pid()))
                .orElse(OptionalLong.empty());
    }
}
