package dev.berth.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The state of a container as the runtime reports it ({@code runtime.md}, "State";
 * {@code schema/state-schema.json}): what {@code berth-runtime state <id>} prints and what
 * hooks receive on stdin.
 *
 * <p>{@code pid} is the container process as seen by the runtime; the spec requires it while
 * the container is {@code created} or {@code running}, and it is written as {@code 0} once the
 * process is gone, as runc does. {@code bundle} is the absolute path of the bundle directory.
 *
 * @param ociVersion the runtime spec version the state complies with
 * @param id the container's id, unique on the host
 * @param status where the container is in its lifecycle
 * @param pid the container process id, or 0 when there is none
 * @param bundle the absolute path of the bundle
 * @param annotations the spec's annotations, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record State(
        String ociVersion,
        String id,
        Status status,
        int pid,
        String bundle,
        Map<String, String> annotations) {

    /**
     * The lifecycle position of a container. The spec defines the first four; it lets a runtime
     * add states, and {@code paused} is the one runc adds (a frozen cgroup), which callers of a
     * runc-compatible runtime read from {@code runc state}.
     */
    public enum Status {
        /** The runtime is still creating the container (lifecycle step 2). */
        @JsonProperty("creating") CREATING,
        /** Created; the user program has not been executed yet (waits for {@code start}). */
        @JsonProperty("created") CREATED,
        /** The user program has been executed and has not exited. */
        @JsonProperty("running") RUNNING,
        /** The container process has exited. */
        @JsonProperty("stopped") STOPPED,
        /** runc's extension: every process of the container is frozen. */
        @JsonProperty("paused") PAUSED;

        /** The JSON spelling: {@code running}. */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
