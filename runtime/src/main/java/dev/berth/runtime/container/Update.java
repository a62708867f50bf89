package dev.berth.runtime.container;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;

/**
 * {@code update}: applies new limits to a container's cgroups and records them in its stored
 * spec, so that what {@code state} and later updates see is what is in force. Fields left out
 * keep their current values.
 */
public final class Update {
    private final RuntimeContext ctx;

    public Update(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    public void update(String id, Linux.Resources r) throws RuntimeFailure, IOException {
        Container c = Container.load(ctx, id);
        if (c.status() == Status.STOPPED) {
            throw new RuntimeFailure("container " + id + " is not running");
        }
        c.cgroup().update(r);
        Spec spec = ctx.store().loadSpec(id);
        Linux l = spec.linux();
        Linux.Resources merged = Resources.merge(l == null ? null : l.resources(), r);
        Linux updated = l == null ? null : new Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(),
                l.devices(), l.cgroupsPath(), merged, l.sysctl(), l.seccomp(), l.rootfsPropagation(),
                l.maskedPaths(), l.readonlyPaths(), l.mountLabel(), l.personality());
        ctx.store().saveSpec(id, new Spec(spec.ociVersion(), spec.root(), spec.mounts(), spec.process(),
                spec.hostname(), spec.domainname(), spec.hooks(), spec.annotations(), updated));
    }
}
