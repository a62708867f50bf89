package dev.berth.runtime.container;

import dev.berth.runtime.ProcInfo;
import dev.berth.runtime.state.ContainerRecord;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's status (runtime.md, "State"), derived every time from the facts: a container
 * whose process is gone is {@code stopped}; one whose exec fifo still exists was created but not
 * started; one whose cgroup is frozen is {@code paused}; otherwise it is {@code running}.
 */
public enum Status {
    CREATING, CREATED, RUNNING, PAUSED, STOPPED;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Status of(ContainerRecord r, Path dir, Cgroup cgroup) {
        if (!ProcInfo.alive(r.pid(), r.pidStartTime())) {
            return STOPPED;
        }
        if (Files.exists(dir.resolve("exec.fifo"))) {
            return CREATED;
        }
        return cgroup.frozen() ? PAUSED : RUNNING;
    }
}
