package dev.berth.daemon.volume;

import dev.berth.daemon.http.ApiException;
import dev.berth.linux.Mounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
            Map.entry("defaults", Map.entry(false, 0L)),
            Map.entry("ro", Map.entry(true, Mounts.MS_RDONLY)), Map.entry("rw", Map.entry(false, Mounts.MS_RDONLY)),
            Map.entry("suid", Map.entry(false, Mounts.MS_NOSUID)), Map.entry("nosuid", Map.entry(true, Mounts.MS_NOSUID)),
            Map.entry("dev", Map.entry(false, Mounts.MS_NODEV)), Map.entry("nodev", Map.entry(true, Mounts.MS_NODEV)),
            Map.entry("exec", Map.entry(false, Mounts.MS_NOEXEC)), Map.entry("noexec", Map.entry(true, Mounts.MS_NOEXEC)),
            Map.entry("sync", Map.entry(true, Mounts.MS_SYNCHRONOUS)),
            Map.entry("async", Map.entry(false, Mounts.MS_SYNCHRONOUS)),
            Map.entry("dirsync", Map.entry(true, Mounts.MS_DIRSYNC)),
            Map.entry("mand", Map.entry(true, Mounts.MS_MANDLOCK)), Map.entry("nomand", Map.entry(false, Mounts.MS_MANDLOCK)),
            Map.entry("atime", Map.entry(false, Mounts.MS_NOATIME)), Map.entry("noatime", Map.entry(true, Mounts.MS_NOATIME)),
            Map.entry("diratime", Map.entry(false, Mounts.MS_NODIRATIME)),
            Map.entry("nodiratime", Map.entry(true, Mounts.MS_NODIRATIME)),
            Map.entry("bind", Map.entry(true, Mounts.MS_BIND)),
            Map.entry("rbind", Map.entry(true, Mounts.MS_BIND | Mounts.MS_REC)),
            Map.entry("relatime", Map.entry(true, Mounts.MS_RELATIME)),
            Map.entry("norelatime", Map.entry(false, Mounts.MS_RELATIME)),
            Map.entry("strictatime", Map.entry(true, Mounts.MS_STRICTATIME)),
            Map.entry("nostrictatime", Map.entry(false, Mounts.MS_STRICTATIME)),
            Map.entry("private", Map.entry(true, Mounts.MS_PRIVATE)),
            Map.entry("rprivate", Map.entry(true, Mounts.MS_PRIVATE | Mounts.MS_REC)),
            Map.entry("shared", Map.entry(true, Mounts.MS_SHARED)),
            Map.entry("rshared", Map.entry(true, Mounts.MS_SHARED | Mounts.MS_REC)),
            Map.entry("slave", Map.entry(true, Mounts.MS_SLAVE)),
            Map.entry("rslave", Map.entry(true, Mounts.MS_SLAVE | Mounts.MS_REC)),
            Map.entry("unbindable", Map.entry(true, Mounts.MS_UNBINDABLE)),
            Map.entry("runbindable", Map.entry(true, Mounts.MS_UNBINDABLE | Mounts.MS_REC)));
    static final long PROPAGATION = Mounts.MS_SHARED | Mounts.MS_PRIVATE | Mounts.MS_SLAVE | Mounts.MS_UNBINDABLE;
    /** go-units' {@code RAMInBytes}, as {@code size} is read. */
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    /**
     * Checks {@code options} with moby's {@code setOpts} and its words (400s, prefixed with
     * {@code create <name>: } as dockerd's volume store does), and reads them: empty when the
     * volume needs no mount.
     */
    static java.util.Optional<LocalMountOptions> of(String name, Map<String, String> options) {
        if (options == null || options.isEmpty()) {
            return java.util.Optional.empty();
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
            return java.util.Optional.empty();
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
        return java.util.Optional.of(new LocalMountOptions(type, device, flags, String.join(",", data)));
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
