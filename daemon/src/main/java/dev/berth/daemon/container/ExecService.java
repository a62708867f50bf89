package dev.berth.daemon.container;

import dev.berth.daemon.api.container.ContainerBackend;
import dev.berth.daemon.api.exec.ExecBackend;
import dev.berth.daemon.api.exec.ExecRequest;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code docker exec}: exec instances in running containers, each an {@link ExecProcess}. The
 * process is the container's own (its spec as the runtime recorded it) with the exec's command,
 * environment added over the container's, working directory, user (looked up in the
 * container's {@code /etc/passwd}) and, with {@code Privileged}, every capability berthd holds.
 * Events {@code exec_create}, {@code exec_start} and {@code exec_die} go out as dockerd sends them.
 * Ended instances stay inspectable until their container is removed (they are forgotten at a
 * later create) or berthd stops; an exec does not survive a berthd restart.
 */
public final class ExecService implements ExecBackend {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ContainerService containers;
    private final EventBus events;
    private final Map<String, ExecProcess> execs = new ConcurrentHashMap<>();

    public ExecService(ContainerService containers, EventBus events) {
        this.containers = containers;
        this.events = events;
        containers.setExecIds(this::runningIn);
        containers.useHealthChecks(new HealthChecks(containers, this::probe, events));
    }

    @Override
    public String create(String container, ExecRequest request) {
        ContainerRecord r = containers.store().get(container);
        if (request.cmd() == null || request.cmd().isEmpty()) {
            throw ApiException.invalid("No exec command specified");
        }
        requireRunning(r);
        forgetOrphans();
        String id = HexFormat.of().formatHex(bytes(32));
        ExecProcess exec = new ExecProcess(id, r.id(), request);
        execs.put(id, exec);
        publish(r, "exec_create: " + String.join(" ", request.cmd()), id, null);
        return id;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void requireRunning(ContainerRecord r) {
        if ("paused".equals(r.state().status())) {
            throw ApiException.conflict("container " + r.id() + " is paused, unpause the container before exec");
        }
        if (!r.state().isRunning()) {
            throw ApiException.conflict("container " + r.id() + " is not running");
        }
    }

    private ExecProcess get(String execId) {
        ExecProcess exec = execId == null ? null : execs.get(execId);
        if (exec == null) {
            throw ApiException.notFound("No such exec instance: " + execId);
        }
        return exec;
    }

    @Override
    public boolean tty(String execId) {
        return get(execId).request().isTty();
    }

    @Override
    public void claim(String execId) {
        ExecProcess exec = get(execId);
        requireRunning(containers.store().get(exec.containerId()));
        exec.claim();
    }

    @Override
    public void startDetached(String execId) {
        ExecProcess exec = get(execId);
        exec.run(containers.runner().runtime(), process(exec), null, null, lifecycle());
    }

    @Override
    public void startAttached(String execId, InputStream stdin, ContainerBackend.AttachSink sink) {
        ExecProcess exec = get(execId);
        Spec.Process process;
        try {
            process = process(exec);
        } catch (ApiException e) {
            // after the takeover an error can only go down the stream, as dockerd writes it
            exec.fail(e, sink, lifecycle());
            return;
        }
        exec.run(containers.runner().runtime(), process, stdin, sink, lifecycle());
    }

    @Override
    public void resize(String execId, int height, int width) {
        ExecProcess exec = get(execId);
        requireRunning(containers.store().get(exec.containerId()));
        exec.resize(height, width);
    }

    @Override
    public Map<String, Object> inspect(String execId) {
        ExecProcess exec = get(execId);
        ExecRequest rq = exec.request();
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("tty", rq.isTty());
        process.put("entrypoint", rq.cmd().getFirst());
        process.put("arguments", rq.cmd().subList(1, rq.cmd().size()));
        process.put("privileged", rq.isPrivileged());
        process.put("user", rq.user() == null ? "" : rq.user());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ID", exec.id());
        out.put("Running", exec.running());
        out.put("ExitCode", exec.exitCode());
        out.put("ProcessConfig", process);
        out.put("OpenStdin", rq.stdin());
        out.put("OpenStderr", rq.stderr());
        out.put("OpenStdout", rq.stdout());
        out.put("CanRemove", false);
        out.put("ContainerID", exec.containerId());
        out.put("DetachKeys", rq.detachKeys() == null ? "" : rq.detachKeys());
        out.put("Pid", exec.running() ? exec.pid() : 0);
        return out;
    }

    /**
     * Runs a health probe in container {@code containerId}: an exec that is not listed among the
     * container's execs, with its output (stdout and stderr together) cut at {@link
     * Healthcheck#OUTPUT_LIMIT} bytes. One that outlives {@code timeout} is killed and reported
     * as dockerd reports it, with exit code -1; one that cannot start reports why, also with -1.
     */
    Health.Probe probe(String containerId, Healthcheck check) {
        String start = java.time.Instant.now().toString();
        ContainerRecord r = containers.store().get(containerId);
        ExecRequest request = new ExecRequest(false, true, true, null, false, null, null, check.command(), false,
                null, null);
        ExecProcess exec = new ExecProcess(HexFormat.of().formatHex(bytes(32)), r.id(), request);
        publish(r, "exec_create: " + String.join(" ", check.command()), exec.id(), null);
        ProbeOutput output = new ProbeOutput();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("health-" + containerId.substring(0, 12)).start(() -> {
            try {
                exec.run(containers.runner().runtime(), process(exec), null, output, lifecycle());
            } catch (RuntimeException e) {
                output.fail(e.getMessage());
            }
            done.complete(null);
        });
        try {
            done.get(check.timeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            exec.kill();
            return new Health.Probe(start, java.time.Instant.now().toString(), -1, check.timeoutMessage());
        } catch (InterruptedException e) {
            exec.kill();
            Thread.currentThread().interrupt();
            return new Health.Probe(start, java.time.Instant.now().toString(), -1, "health check cancelled");
        } catch (java.util.concurrent.ExecutionException e) {
            output.fail(e.getCause().getMessage());
        }
        Integer code = exec.exitCode();
        return new Health.Probe(start, java.time.Instant.now().toString(),
                output.failure() != null || code == null ? -1 : code,
                output.failure() != null ? output.failure() : output.text());
    }

    /** The ids of the execs running in container {@code id}, for its inspect; null for none, as dockerd shows it. */
    List<String> runningIn(String id) {
        List<String> ids = new ArrayList<>();
        for (ExecProcess e : execs.values()) {
            if (e.containerId().equals(id) && e.running()) {
                ids.add(e.id());
            }
        }
        return ids.isEmpty() ? null : ids;
    }

    /** Forgets the ended instances of containers that are gone: nothing can inspect them through their container any more. */
    private void forgetOrphans() {
        execs.values().removeIf(e -> !e.running() && e.exitCode() != null
                && containers.store().find(e.containerId()).isEmpty());
    }

    private ExecProcess.Lifecycle lifecycle() {
        return new ExecProcess.Lifecycle() {
            @Override
            public void started(ExecProcess exec) {
                containers.store().find(exec.containerId()).ifPresent(r -> publish(r,
                        "exec_start: " + String.join(" ", exec.request().cmd()), exec.id(), null));
            }

            @Override
            public void ended(ExecProcess exec, int code) {
                containers.store().find(exec.containerId()).ifPresent(r -> publish(r, "exec_die", exec.id(), code));
            }
        };
    }

    private void publish(ContainerRecord r, String action, String execId, Integer exitCode) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("execID", execId);
        if (exitCode != null) {
            attributes.put("exitCode", Integer.toString(exitCode));
        }
        attributes.put("image", r.image());
        attributes.put("name", r.shortName());
        events.publish(EventType.CONTAINER, action, r.id(), attributes);
    }

    /** The container's process, as the runtime recorded its spec, with the exec's settings over it. */
    private Spec.Process process(ExecProcess exec) {
        ExecRequest rq = exec.request();
        Spec spec;
        try {
            spec = containers.runner().runtime().store().loadSpec(exec.containerId());
        } catch (IOException e) {
            throw ApiException.conflict("container " + exec.containerId() + " is not running");
        }
        Spec.Process base = spec.process();
        Path rootfs = Path.of(spec.root().path());
        Spec.User user = base.user();
        if (rq.user() != null && !rq.user().isEmpty()) {
            try {
                user = UserLookup.resolve(rq.user(), rootfs);
            } catch (InvalidContainerConfigException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
        List<String> env = Environment.replaceOrAppend(base.envOrEmpty(),
                rq.isTty() ? List.of("TERM=xterm") : List.of());
        env = Environment.replaceOrAppend(env, rq.env() == null ? List.of() : rq.env());
        String cwd = rq.workingDir() == null || rq.workingDir().isEmpty() ? base.cwd() : rq.workingDir();
        Spec.Capabilities caps = base.capabilities();
        if (rq.isPrivileged()) {
            Set<Capability> held = containers.host().capabilities();
            caps = ContainerCapabilities.toSpec(List.copyOf(held));
        }
        int[] size = exec.size();
        return new Spec.Process(rq.isTty() ? true : null, rq.isTty() && size != null
                ? new Spec.ConsoleSize(size[0], size[1]) : null, cwd, env, rq.cmd(), null, base.rlimits(),
                base.apparmorProfile(), caps, base.noNewPrivileges(), base.oomScoreAdj(), base.selinuxLabel(), user,
                null, null, null);
    }
}
