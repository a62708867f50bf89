package dev.berth.runtime.container;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.state.ContainerRecord;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A container as the state root knows it: its record, its directory, its cgroup, and its
 * status derived now.
 */
public record Container(ContainerRecord record, Path dir, Cgroup cgroup, Status status) {

    /** Loads a container or fails with runc's message for a missing one. */
    public static Container load(RuntimeContext ctx, String id) throws RuntimeFailure, IOException {
        try {
            dev.berth.runtime.state.StateStore.checkId(id);
        } catch (IllegalArgumentException e) {
            throw new RuntimeFailure(e.getMessage());
        }
        ContainerRecord r = ctx.store().load(id)
                .orElseThrow(() -> new RuntimeFailure("container " + id + " does not exist"));
        return of(ctx, r);
    }

    static Container of(RuntimeContext ctx, ContainerRecord r) throws IOException {
        Path dir = ctx.store().dir(r.id());
        Cgroup cg = CgroupSetup.host().open(r.cgroupPath());
        return new Container(r, dir, cg, Status.of(r, dir, cg));
    }

    public String id() {
        return record.id();
    }

    public int pid() {
        return record.pid();
    }

    /** The pid as runc reports it: 0 once the process is gone. */
    public int reportedPid() {
        return status == Status.STOPPED ? 0 : record.pid();
    }
}
