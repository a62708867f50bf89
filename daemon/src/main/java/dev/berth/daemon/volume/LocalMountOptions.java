package dev.berth.daemon.volume;

import dev.berth.daemon.http.ApiException;
import dev.berth.linux.Mounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code local} driver's mount options, as moby's {@code volume/local} reads them:
 * {@code type} and {@code device} name a filesystem to mount over the volume's {@code _data}
 * ({@code type=tmpfs device=tmpfs}, or {@code type=none device=/some/dir o=bind}), {@code o} its
 * options in {@code mount(8)}'s words; {@code device} and {@code type} need each other, {@code o}
 * needs both. {@code size} asks for a project quota, which this daemon cannot set, so it is
 * refused as dockerd refuses it on a filesystem without quotas.
 *
 * <p>{@code o} is split as moby's {@code mount.parseOptions} splits it: the words that are
 * {@code MS_*} flags become flags, the rest is the filesystem's data ({@code size=10m,uid=1000}).
 *
 * @param flags the {@code MS_*} flags of {@code o}, propagation ones included
 * @param data  what of {@code o} is for the filesystem itself
 */
record LocalMountOptions(String type, String device, long flags, String data) {
    /** The words of {@code o} that set ({@code true}) or clear a flag: moby's {@code flags} table. */
    private static final Map<String, Map.Entry<Boolean, Long>> FLAGS = Map.ofEntries(
            clears("defaults", 0), sets("ro", Mounts.MS_RDONLY), clears("rw", Mounts.MS_RDONLY),
            clears("suid", Mounts.MS_NOSUID), sets("nosuid", Mounts.MS_NOSUID),
            clears("dev", Mounts.MS_NODEV), sets("nodev", Mounts.MS_NODEV),
            clears("exec", Mounts.MS_NOEXEC), sets("noexec", Mounts.MS_NOEXEC),
            sets("sync", Mounts.MS_SYNCHRONOUS), clears("async", Mounts.MS_SYNCHRONOUS),
            sets("dirsync", Mounts.MS_DIRSYNC),
            sets("mand", Mounts.MS_MANDLOCK), clears("nomand", Mounts.MS_MANDLOCK),
            clears("atime", Mounts.MS_NOATIME), sets("noatime", Mounts.MS_NOATIME),
            clears("diratime", Mounts.MS_NODIRATIME), sets("nodiratime", Mounts.MS_NODIRATIME),
            sets("bind", Mounts.MS_BIND), sets("rbind", Mounts.MS_BIND | Mounts.MS_REC),
            sets("relatime", Mounts.MS_RELATIME), clears("norelatime", Mounts.MS_RELATIME),
            sets("strictatime", Mounts.MS_STRICTATIME), clears("nostrictatime", Mounts.MS_STRICTATIME),
            sets("private", Mounts.MS_PRIVATE), sets("rprivate", Mounts.MS_PRIVATE | Mounts.MS_REC),
            sets("shared", Mounts.MS_SHARED), sets("rshared", Mounts.MS_SHARED | Mounts.MS_REC),
            sets("slave", Mounts.MS_SLAVE), sets("rslave", Mounts.MS_SLAVE | Mounts.MS_REC),
            sets("unbindable", Mounts.MS_UNBINDABLE), sets("runbindable", Mounts.MS_UNBINDABLE | Mounts.MS_REC));
    static final long PROPAGATION = Mounts.MS_SHARED | Mounts.MS_PRIVATE | Mounts.MS_SLAVE | Mounts.MS_UNBINDABLE;
    /** go-units' {@code RAMInBytes}, as {@code size} is read. */
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    /**
     * Checks {@code options} with moby's {@code setOpts} and its words (400s, prefixed with
     * {@code create <name>: } as dockerd's volume store does), and reads them: empty when the
     * volume needs no mount.
     */
    static Optional<LocalMountOptions> of(String name, Map<String, String> options) {
        if (options == null || options.isEmpty()) {
            return Optional.empty();
        }
        for (String key : options.keySet()) {
            if (!List.of("type", "device", "o", "size").contains(key)) {
                throw ApiException.invalid("create " + name + ": invalid option key: \"" + key + "\"");
            }
        }
        for (var required : List.of(Map.entry("device", List.of("type")), Map.entry("type", List.of("device")),
                Map.entry("o", List.of("device", "type")))) {
            if (options.containsKey(required.getKey())) {
                for (String other : required.getValue()) {
                    if (!options.containsKey(other)) {
                        throw ApiException.invalid("create " + name + ": missing required option: \"" + other + "\"");
                    }
                }
            }
        }
        if (options.containsKey("size") && bytes(name, options.get("size")) > 0) {
            throw ApiException.invalid("create " + name + ": quota size requested but no quota support");
        }
        String type = options.getOrDefault("type", "");
        String device = options.getOrDefault("device", "");
        if (type.isEmpty() && device.isEmpty()) {
            return Optional.empty();
        }
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String word : options.getOrDefault("o", "").split(",")) {
            Map.Entry<Boolean, Long> f = FLAGS.get(word);
            if (f == null) {
                if (!word.isEmpty()) {
                    data.add(word);
                }
            } else if (f.getKey()) {
                flags |= f.getValue();
            } else {
                flags &= ~f.getValue();
            }
        }
        return Optional.of(new LocalMountOptions(type, device, flags, String.join(",", data)));
    }

    private static Map.Entry<String, Map.Entry<Boolean, Long>> sets(String word, long flag) {
        return Map.entry(word, Map.entry(true, flag));
    }

    private static Map.Entry<String, Map.Entry<Boolean, Long>> clears(String word, long flag) {
        return Map.entry(word, Map.entry(false, flag));
    }

    private static long bytes(String name, String size) {
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            throw ApiException.invalid("create " + name + ": invalid size: '" + size + "'");
        }
        int shift = m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1);
        return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
    }
}
