package dev.berth.runtime.container;

import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;

/** {@code pause} and {@code resume}: freeze and thaw every process of a container through its cgroup. */
public final class Pause {
    private final RuntimeContext ctx;

    public Pause(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    public void pause(String id) throws RuntimeFailure, IOException {
        Container c = Container.load(ctx, id);
        if (c.status() != Status.RUNNING && c.status() != Status.CREATED) {
            throw new RuntimeFailure("container " + id + " is not running");
        }
        c.cgroup().freeze();
    }

    public void resume(String id) throws RuntimeFailure, IOException {
        Container c = Container.load(ctx, id);
        if (c.status() != Status.PAUSED) {
            throw new RuntimeFailure("container " + id + " is not paused");
        }
        c.cgroup().thaw();
    }
}
