package dev.berth.daemon.api.container;

import java.util.List;
import java.util.Map;

/**
 * What the routes about a container's processes and resources need ({@code top}, {@code stats},
 * {@code update}), kept apart from {@link ContainerBackend} because it is a different concern:
 * these read and change a running container's cgroup rather than its lifecycle. Failures are
 * {@link dev.berth.daemon.http.ApiException}s in dockerd's words.
 */
public interface RunningContainerBackend {
    /** {@code ContainerTopResponse}: the {@code ps} columns and one row per process of the container. */
    record Top(List<String> titles, List<List<String>> processes) {}

    /** {@code GET /containers/{id}/top?ps_args=…} ({@code -ef} when not given); 409 if it is not running. */
    Top top(String nameOrId, String psArgs);

    /**
     * One {@code ContainerStatsResponse} sample, with {@code previous} (the sample before it, or
     * null) as its {@code precpu_stats}; a container that does not run gives a sample of zeros.
     */
    Map<String, Object> stats(String nameOrId, Map<String, Object> previous);

    /** True while the container runs, so that a stream of stats knows when to end. */
    boolean isRunning(String nameOrId);

    /** {@code POST /containers/{id}/update}: applies and records new limits and restart policy; returns the warnings. */
    List<String> update(String nameOrId, byte[] body);
}
