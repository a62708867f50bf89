package dev.berth.runtime.plan;

import static dev.berth.runtime.plan.Kernel.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code options} of an OCI mount, split the way {@code mount(8)} splits them: flags for
 * {@code mount(2)}, a propagation change that needs its own call, and the rest joined as the
 * filesystem's data string.
 */
public record MountOptions(long flags, long clearFlags, long propagation, boolean bind,
        boolean recursive, String data) {

    private static final Map<String, long[]> FLAGS = Map.ofEntries(
            // name -> {set, clear}
            Map.entry("ro", new long[] {MS_RDONLY, 0}), Map.entry("rw", new long[] {0, MS_RDONLY}),
            Map.entry("nosuid", new long[] {MS_NOSUID, 0}), Map.entry("suid", new long[] {0, MS_NOSUID}),
            Map.entry("nodev", new long[] {MS_NODEV, 0}), Map.entry("dev", new long[] {0, MS_NODEV}),
            Map.entry("noexec", new long[] {MS_NOEXEC, 0}), Map.entry("exec", new long[] {0, MS_NOEXEC}),
            Map.entry("sync", new long[] {MS_SYNCHRONOUS, 0}), Map.entry("async", new long[] {0, MS_SYNCHRONOUS}),
            Map.entry("dirsync", new long[] {MS_DIRSYNC, 0}),
            Map.entry("mand", new long[] {MS_MANDLOCK, 0}), Map.entry("nomand", new long[] {0, MS_MANDLOCK}),
            Map.entry("noatime", new long[] {MS_NOATIME, 0}), Map.entry("atime", new long[] {0, MS_NOATIME}),
            Map.entry("nodiratime", new long[] {MS_NODIRATIME, 0}), Map.entry("diratime", new long[] {0, MS_NODIRATIME}),
            Map.entry("relatime", new long[] {MS_RELATIME, 0}), Map.entry("norelatime", new long[] {0, MS_RELATIME}),
            Map.entry("strictatime", new long[] {MS_STRICTATIME, 0}), Map.entry("nostrictatime", new long[] {0, MS_STRICTATIME}),
            Map.entry("lazytime", new long[] {MS_LAZYTIME, 0}), Map.entry("nolazytime", new long[] {0, MS_LAZYTIME}),
            Map.entry("nosymfollow", new long[] {MS_NOSYMFOLLOW, 0}), Map.entry("symfollow", new long[] {0, MS_NOSYMFOLLOW}),
            Map.entry("remount", new long[] {MS_REMOUNT, 0}), Map.entry("silent", new long[] {MS_SILENT, 0}),
            Map.entry("loud", new long[] {0, MS_SILENT}),
            Map.entry("defaults", new long[] {0, 0}));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
            "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    public static MountOptions parse(List<String> options) {
        long flags = 0, clear = 0, propagation = 0;
        boolean bind = false, recursive = false;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long[] f = FLAGS.get(o);
            if (f != null) {
                flags = (flags & ~f[1]) | f[0];
                clear = (clear & ~f[0]) | f[1];
            } else if (PROPAGATION.containsKey(o)) {
                propagation = PROPAGATION.get(o);
            } else if (o.equals("bind")) {
                bind = true;
            } else if (o.equals("rbind")) {
                bind = true;
                recursive = true;
            } else if (o.equals("tmpcopyup") || o.startsWith("idmap") || o.startsWith("ridmap")) {
                // runc extensions Berth does not implement; they do not change what is mounted
            } else {
                data.add(o);
            }
        }
        return new MountOptions(flags, clear, propagation, bind, recursive, String.join(",", data));
    }

    /** The per-mount flags that a bind mount must get in a second, remount call. */
    public long remountFlags() {
        return flags & ~(MS_REMOUNT | MS_SILENT);
    }
}
