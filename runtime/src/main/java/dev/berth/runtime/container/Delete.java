package dev.berth.runtime.container;

import dev.berth.linux.Signals;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.ProcInfo;
import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code delete}: removes a stopped (or, like runc, a created) container: its cgroups, its
 * state, then the poststop hooks. With {@code force} a running container is killed first.
 * After a delete nothing of the container is left: its mounts died with its mount namespace,
 * and its cgroup directories and state directory are removed here.
 */
public final class Delete {
    private final RuntimeContext ctx;

    public Delete(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    public void delete(String id, boolean force) throws RuntimeFailure, IOException {
        Container c;
        try {
            c = Container.load(ctx, id);
        } catch (RuntimeFailure e) {
            Path dir = ctx.store().dir(id);
            if (Files.isDirectory(dir)) {
                // A create that died before writing state.json: nothing runs, only files remain.
                ctx.store().remove(id);
                return;
            }
            if (force) {
                return;
            }
            throw e;
        }
        switch (c.status()) {
            case STOPPED, CREATED -> { }
            default -> {
                if (!force) {
                    throw new RuntimeFailure("cannot delete container " + id + " that is not stopped: "
                            + c.status().json());
                }
            }
        }
        if (c.status() != Status.STOPPED) {
            Kill.signalQuietly(c.pid(), Signals.SIGKILL);
        }
        c.cgroup().killAll(Signals.SIGKILL);
        awaitGone(c);
        c.cgroup().destroy();
        Spec spec = null;
        try {
            spec = ctx.store().loadSpec(id);
        } catch (Exception e) {
            // no spec, no poststop hooks
        }
        ctx.store().remove(id);
        if (spec != null && spec.hooks() != null) {
            Hooks.runLogged("poststop", spec.hooks().poststop(),
                    Hooks.state(spec, id, "stopped", 0, Path.of(c.record().bundle())));
        }
    }

    private static void awaitGone(Container c) throws RuntimeFailure {
        for (int i = 0; i < 1000; i++) {
            if (!ProcInfo.alive(c.pid(), c.record().pidStartTime())) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new RuntimeFailure("container " + c.id() + " did not stop after SIGKILL");
    }
}
