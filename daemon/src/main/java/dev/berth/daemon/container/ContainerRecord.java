package dev.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What berthd keeps of one container, as {@code containers/<id>/container.json}: the request it
 * was created from (so that the spec can be made again at every start), the effective config
 * that {@code docker inspect} shows, the image and writable layer it stands on, and its state.
 * Immutable; every change is a new record written whole (see {@link ContainerStore}).
 *
 * @param name      with Docker's leading slash ({@code /quirky_turing})
 * @param created   RFC 3339 with nanoseconds, as Docker writes times
 * @param image     the image as the client named it ({@code busybox}), shown by {@code docker ps}
 * @param imageId   the image's id ({@code sha256:…}) at create time
 * @param request   the container part of the create request, as given (null fields: not given)
 * @param hostConfig the host part of the create request, as given
 * @param config    {@code request} with the image's defaults merged in
 * @param snapshot  the key of the container's writable snapshot
 * @param networks  the networks it joins at its next start, by name, with what it asked of each
 *                  ({@code NetworkingConfig}, then {@code docker network connect|disconnect})
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerRecord(String id, String name, String created, String image, String imageId,
        ContainerConfig request, HostConfig hostConfig, ContainerConfig config, String path, List<String> args,
        String snapshot, State state, Map<String, EndpointConfig> networks) {

    public ContainerRecord {
        networks = networks == null ? Map.of() : Collections.unmodifiableMap(
                new LinkedHashMap<>(networks));
    }

    /** The part of a container that changes as it runs, in Docker's words ({@code ContainerState}). */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record State(String status, int pid, int exitCode, String error, String startedAt, String finishedAt,
            boolean oomKilled, Monitor monitor, int restartCount, boolean stoppedByUser, Health health) {
        /** Go's zero time, which Docker shows for a start or finish that never happened. */
        public static final String NEVER = "0001-01-01T00:00:00Z";

        /**
         * A state with no restarts counted and no stop by the user.
         *
         * @param restartCount  the restart policy's restarts since the user last started it ({@code RestartCount})
         * @param stoppedByUser stopped or killed by the user, which holds back its restart policy
         */
        public State(String status, int pid, int exitCode, String error, String startedAt, String finishedAt,
                boolean oomKilled, Monitor monitor) {
            this(status, pid, exitCode, error, startedAt, finishedAt, oomKilled, monitor, 0, false);
        }

        /**
         * A state with no health check result: a record written before health checks were kept
         * reads as this, as does a container without a health check.
         *
         * @param health the health check's status and last results, while it has one ({@code Health})
         */
        public State(String status, int pid, int exitCode, String error, String startedAt, String finishedAt,
                boolean oomKilled, Monitor monitor, int restartCount, boolean stoppedByUser) {
            this(status, pid, exitCode, error, startedAt, finishedAt, oomKilled, monitor, restartCount, stoppedByUser,
                    null);
        }

        /** A container that was created and never started. */
        public static State created() {
            return new State("created", 0, 0, "", NEVER, NEVER, false, null);
        }

        /** A state that ended: not running, with the exit code and error given. */
        public State exited(int code, String why, String finished) {
            return new State("exited", 0, code, why == null ? "" : why, startedAt, finished, oomKilled, null,
                    restartCount, stoppedByUser, health);
        }

        /** Ended, and to be started again by its restart policy: dockerd's {@code SetRestarting}. */
        public State restarting() {
            return new State("restarting", 0, exitCode, error, startedAt, finishedAt, oomKilled, null,
                    restartCount + 1, false, health);
        }

        /** The same state, with the OOM killer's verdict on the run that ended. */
        public State withOomKilled(boolean killed) {
            return new State(status, pid, exitCode, error, startedAt, finishedAt, killed, monitor, restartCount,
                    stoppedByUser, health);
        }

        /** The same state, marked as stopped (or not) by the user. */
        public State withStoppedByUser(boolean stopped) {
            return new State(status, pid, exitCode, error, startedAt, finishedAt, oomKilled, monitor, restartCount,
                    stopped, health);
        }

        /** The same state, with the health check's status and results (dockerd keeps the last after an exit). */
        public State withHealth(Health newHealth) {
            return new State(status, pid, exitCode, error, startedAt, finishedAt, oomKilled, monitor, restartCount,
                    stoppedByUser, newHealth);
        }

        public boolean isRunning() {
            return status.equals("running") || status.equals("paused") || status.equals("restarting");
        }
    }

    /**
     * The shim that monitors a running container: its pid and start time (clock ticks after
     * boot, from {@code /proc/<pid>/stat}), so that a restarted berthd finds it again and cannot
     * take another process that got its pid for it.
     */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Monitor(int pid, long startTime) {}

    /** The name without Docker's leading slash, as {@code docker ps} shows it. */
    public String shortName() {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    public ContainerRecord withName(String newName) {
        return new ContainerRecord(id, newName, created, image, imageId, request, hostConfig, config, path, args,
                snapshot, state, networks);
    }

    public ContainerRecord withState(State newState) {
        return new ContainerRecord(id, name, created, image, imageId, request, hostConfig, config, path, args,
                snapshot, newState, networks);
    }

    public ContainerRecord withNetworks(Map<String, EndpointConfig> newNetworks) {
        return new ContainerRecord(id, name, created, image, imageId, request, hostConfig, config, path, args,
                snapshot, state, newNetworks);
    }
}
