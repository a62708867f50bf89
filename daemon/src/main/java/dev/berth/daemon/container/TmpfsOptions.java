package dev.berth.daemon.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges tmpfs mount options as moby's {@code mount.MergeTmpfsOptions} does, so that a user's
 * {@code --tmpfs /run:exec,size=1m} overrides the defaults ({@code noexec}) rather than
 * contradicting them: a later flag replaces an earlier one of the pair ({@code exec} and
 * {@code noexec}), a later {@code key=value} replaces an earlier one with the same key.
 */
final class TmpfsOptions {
    /** Flags and their opposites. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("ro", "rw"), Map.entry("rw", "ro"),
            Map.entry("exec", "noexec"), Map.entry("noexec", "exec"),
            Map.entry("suid", "nosuid"), Map.entry("nosuid", "suid"),
            Map.entry("dev", "nodev"), Map.entry("nodev", "dev"),
            Map.entry("atime", "noatime"), Map.entry("noatime", "atime"),
            Map.entry("diratime", "nodiratime"), Map.entry("nodiratime", "diratime"),
            Map.entry("relatime", "norelatime"), Map.entry("norelatime", "relatime"),
            Map.entry("strictatime", "nostrictatime"), Map.entry("nostrictatime", "strictatime"),
            Map.entry("sync", "async"), Map.entry("async", "sync"),
            Map.entry("dirsync", "dirsync"), Map.entry("mand", "nomand"), Map.entry("nomand", "mand"),
            Map.entry("private", "private"), Map.entry("rprivate", "rprivate"),
            Map.entry("shared", "shared"), Map.entry("rshared", "rshared"),
            Map.entry("slave", "slave"), Map.entry("rslave", "rslave"));
    private static final Set<String> PROPAGATION = Set.of("private", "rprivate", "shared", "rshared", "slave", "rslave");
    /** tmpfs(5)'s data options. */
    private static final Set<String> DATA = Set.of("size", "nr_blocks", "nr_inodes", "mode", "uid", "gid", "mpol",
            "huge", "noswap", "inode32", "inode64");

    private TmpfsOptions() {}

    static List<String> merge(List<String> options) {
        List<String> out = new ArrayList<>();
        for (String opt : options) {
            if (opt.isEmpty() || opt.equals("defaults")) {
                continue;
            }
            String opposite = FLAGS.get(opt);
            if (opposite != null) {
                if (PROPAGATION.contains(opt)) {
                    out.removeIf(PROPAGATION::contains); // one propagation only
                } else {
                    out.removeIf(o -> o.equals(opt) || o.equals(opposite));
                }
                out.add(opt);
                continue;
            }
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            if (!DATA.contains(key)) {
                throw new InvalidContainerConfigException("invalid tmpfs option \"" + opt + "\"");
            }
            out.removeIf(o -> o.equals(key) || o.startsWith(key + "="));
            out.add(opt);
        }
        return List.copyOf(out);
    }
}
