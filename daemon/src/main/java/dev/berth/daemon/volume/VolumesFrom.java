package dev.berth.daemon.volume;

import dev.berth.daemon.container.InvalidContainerConfigException;
import dev.berth.daemon.container.MountPoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code --volumes-from container[:ro|rw]}: the other container's mount points (volumes and
 * binds), read-only if asked, with moby's rules ({@code parseVolumesFrom} and
 * {@code registerMountPoints}): what the container asks for itself wins over what it inherits,
 * and an inherited mount point wins over an anonymous volume at the same place (the image's
 * {@code VOLUME}, {@code -v /path}).
 */
final class VolumesFrom {

    private VolumesFrom() {}

    /**
     * @param specs    {@code HostConfig.VolumesFrom}, or null
     * @param mountsOf a container's recorded mount points from its name or id (404 if there is none)
     */
    static List<MountPoint> inherited(List<String> specs, Function<String, List<MountPoint>> mountsOf) {
        Map<String, MountPoint> out = new LinkedHashMap<>();
        for (String spec : specs == null ? List.<String>of() : specs) {
            if (spec == null || spec.isEmpty()) {
                throw new InvalidContainerConfigException("volumes-from specification cannot be an empty string");
            }
            int colon = spec.indexOf(':');
            String container = colon < 0 ? spec : spec.substring(0, colon);
            String mode = colon < 0 ? "" : spec.substring(colon + 1);
            if (colon >= 0 && !validMode(mode)) {
                throw new InvalidContainerConfigException("invalid mode for volumes-from: " + mode);
            }
            boolean readOnly = List.of(mode.split(",")).contains("ro");
            for (MountPoint mp : mountsOf.apply(container)) {
                if (mp.type().equals("tmpfs")) {
                    continue; // a tmpfs is the container's own, not a volume to share
                }
                out.put(mp.destination(), readOnly ? mp.withWritable(false) : mp);
            }
        }
        return List.copyOf(out.values());
    }

    /** moby's {@code ValidMountMode} without propagation, which volumes-from does not take. */
    private static boolean validMode(String mode) {
        int rw = 0;
        int label = 0;
        int copy = 0;
        for (String o : mode.split(",", -1)) {
            if (o.equals("ro") || o.equals("rw")) {
                rw++;
            } else if (o.equals("z") || o.equals("Z")) {
                label++;
            } else if (o.equals("nocopy")) {
                copy++;
            } else {
                return false; // propagations included: moby refuses them here
            }
        }
        return rw <= 1 && label <= 1 && copy <= 1;
    }

    /** The container's own mount points, then the inherited ones at places it did not claim. */
    static List<MountPoint> merge(List<MountPoint> requested, List<MountPoint> inherited) {
        Set<String> inheritedAt = new HashSet<>();
        inherited.forEach(mp -> inheritedAt.add(mp.destination()));
        List<MountPoint> out = new ArrayList<>();
        Set<String> claimed = new HashSet<>();
        for (MountPoint mp : requested) {
            boolean anonymous = mp.type().equals("volume") && mp.source() == null;
            if (anonymous && inheritedAt.contains(mp.destination())) {
                continue;
            }
            out.add(mp);
            claimed.add(mp.destination());
        }
        for (MountPoint mp : inherited) {
            if (!claimed.contains(mp.destination())) {
                out.add(mp);
            }
        }
        return List.copyOf(out);
    }
}
