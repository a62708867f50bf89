package dev.berth.daemon.container;

import dev.berth.daemon.api.container.RunningContainerBackend;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.cgroup.CgroupStats;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code top}, {@code stats} and {@code update} of the daemon's containers: each reads or
 * changes the cgroup of a running container through the runtime, and {@code update} records
 * what it changed in the container's host config, under the container's lock, so that the next
 * start and the restart policy see it.
 */
final class RunningContainers implements RunningContainerBackend {
    private final ContainerStore store;
    private final ContainerRunner runner;
    private final HostProfile host;
    private final Function<String, Object> lockOf;

    RunningContainers(ContainerStore store, ContainerRunner runner, HostProfile host, Function<String, Object> lockOf) {
        this.store = store;
        this.runner = runner;
        this.host = host;
        this.lockOf = lockOf;
    }

    @Override
    public Top top(String nameOrId, String psArgs) {
        ContainerRecord r = store.get(nameOrId);
        if (r.state().status().equals("restarting")) {
            throw ApiException.conflict("Container " + r.id() + " is restarting, wait until the container is running");
        }
        if (!r.state().isRunning() || runner.get(r.id()).isEmpty()) {
            throw ApiException.conflict("Container " + r.id() + " is not running");
        }
        Set<Integer> pids;
        try {
            pids = new HashSet<>(runner.runtimeContainer(r.id()).cgroup().pids());
        } catch (RuntimeFailure | IOException e) {
            throw new ApiException(ErrorKind.CONFLICT, "Container " + r.id() + " is not running: " + e.getMessage(), e);
        }
        return ContainerTop.run(r.id(), psArgs, pids);
    }

    @Override
    public Map<String, Object> stats(String nameOrId, Map<String, Object> previous) {
        ContainerRecord r = store.get(nameOrId);
        if (!r.state().isRunning() || runner.get(r.id()).isEmpty()) {
            return StatsSample.stopped(r.id(), r.name());
        }
        CgroupStats stats;
        try {
            stats = runner.runtimeContainer(r.id()).cgroup().stats();
        } catch (RuntimeFailure | IOException e) {
            return StatsSample.stopped(r.id(), r.name()); // it ended between the check and the read
        }
        return StatsSample.of(r.id(), r.name(), Instant.now(), stats, StatsSample.Host.read(), previous);
    }

    @Override
    public boolean isRunning(String nameOrId) {
        return store.find(nameOrId).map(r -> r.state().isRunning()).orElse(false);
    }

    @Override
    public List<String> update(String nameOrId, byte[] body) {
        ContainerRecord r = store.get(nameOrId);
        synchronized (lockOf.apply(r.id())) {
            r = store.get(r.id());
            HostConfig next;
            try {
                next = ContainerUpdate.apply(r.hostConfig(), body, host.cpus());
            } catch (InvalidContainerConfigException e) {
                throw ApiException.invalid(e.getMessage());
            }
            if (runner.get(r.id()).isPresent()) {
                try {
                    // the whole set, not only what changed: what is unchanged is written again, harmlessly
                    runner.update(r.id(), ContainerResources.build(next, host.cpus(), null));
                } catch (RuntimeFailure | IOException e) {
                    throw ApiException.invalid("Cannot update container " + r.id() + ": " + e.getMessage());
                }
            }
            store.save(new ContainerRecord(r.id(), r.name(), r.created(), r.image(), r.imageId(), r.request(), next,
                    r.config(), r.path(), r.args(), r.snapshot(), r.state(), r.networks()));
        }
        return List.of();
    }
}
