package dev.berth.daemon.container;

import dev.berth.oci.runtime.RlimitResource;
import dev.berth.oci.runtime.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --ulimit name=soft:hard} as {@code process.rlimits}: {@code nofile} becomes
 * {@code RLIMIT_NOFILE}, and {@code -1} (unlimited) is {@code RLIM_INFINITY}. Names and the
 * soft-not-above-hard rule are checked with go-units' messages, which the docker CLI shows for
 * the same mistakes. A hard limit above the daemon's own is left to the runtime, which refuses it
 * by name on a host where raising it needs a capability Berth lacks.
 */
final class Rlimits {
    private Rlimits() {}

    static List<Spec.Rlimit> build(List<HostConfig.Ulimit> ulimits) {
        List<Spec.Rlimit> out = new ArrayList<>();
        for (HostConfig.Ulimit u : ulimits == null ? List.<HostConfig.Ulimit>of() : ulimits) {
            String type = "RLIMIT_" + (u.name() == null ? "" : u.name().toUpperCase(Locale.ROOT));
            if (RlimitResource.byName(type).isEmpty()) {
                throw new InvalidContainerConfigException("invalid ulimit type: " + u.name());
            }
            if (Long.compareUnsigned(u.soft(), u.hard()) > 0) {
                throw new InvalidContainerConfigException("ulimit soft limit must be less than or equal to hard limit: "
                        + u.soft() + " > " + u.hard());
            }
            out.add(new Spec.Rlimit(type, u.hard(), u.soft()));
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }
}
