package dev.berth.runtime.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What the runtime remembers of a container between commands ({@code state.json} in its
 * state directory). The status is not stored: it is derived each time from the process, the
 * exec fifo and the freezer, as runc does, so it can never go stale.
 *
 * @param pidStartTime the process's start time in clock ticks ({@code /proc/<pid>/stat} field
 *                     22), so that a recycled pid is not mistaken for the container
 * @param cgroupPath   the cgroups path as given in the spec (or the default)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerRecord(
        String id,
        String bundle,
        String rootfs,
        int pid,
        long pidStartTime,
        String created,
        String owner,
        String cgroupPath,
        boolean monitored,
        Map<String, String> annotations) {}
