package dev.berth.runtime.plan;

import dev.berth.oci.runtime.RlimitResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the planner must know about the host it plans for: the highest capability the kernel
 * knows, the capabilities and hard rlimits this process holds (a container can get no more, see
 * MACHINE.md: no CAP_SYS_RESOURCE here), and the mount table (pivot_root refuses a root whose
 * parent mount is shared).
 */
public record HostFacts(int capLastCap, long permittedCaps, Map<String, Long> hardLimits,
        List<String> mountInfo) {

    /** Reads the facts of the running process from {@code /proc}. */
    public static HostFacts read() throws IOException {
        int last = Integer.parseInt(readSysctl(Path.of("/proc/sys/kernel/cap_last_cap")));
        long prm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapPrm:")) {
                prm = Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        return new HostFacts(last, prm, readLimits(), Files.readAllLines(Path.of("/proc/self/mountinfo")));
    }

    /**
     * A sysctl value in one read(2): the kernel's integer sysctl handlers return end-of-file to a
     * read at a non-zero offset, and Files.readString reads a size-0 procfs file in small steps,
     * which turned cap_last_cap 40 into 4 here.
     */
    public static String readSysctl(Path file) throws IOException {
        try (var in = new java.io.FileInputStream(file.toFile())) {
            byte[] buf = new byte[256];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
    }

    private static Map<String, Long> readLimits() throws IOException {
        Map<String, Long> names = Map.ofEntries(
                Map.entry("Max cpu time", 0L), Map.entry("Max file size", 1L),
                Map.entry("Max data size", 2L), Map.entry("Max stack size", 3L),
                Map.entry("Max core file size", 4L), Map.entry("Max resident set", 5L),
                Map.entry("Max processes", 6L), Map.entry("Max open files", 7L),
                Map.entry("Max locked memory", 8L), Map.entry("Max address space", 9L),
                Map.entry("Max file locks", 10L), Map.entry("Max pending signals", 11L),
                Map.entry("Max msgqueue size", 12L), Map.entry("Max nice priority", 13L),
                Map.entry("Max realtime priority", 14L), Map.entry("Max realtime timeout", 15L));
        Map<String, Long> hard = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            for (var e : names.entrySet()) {
                if (line.startsWith(e.getKey() + " ")) {
                    String[] f = line.substring(25).trim().split("\\s+");
                    long v = f[1].equals("unlimited") ? -1 : Long.parseLong(f[1]);
                    hard.put(RlimitResource.values()[e.getValue().intValue()].name(), v);
                }
            }
        }
        return hard;
    }

    public boolean holds(int capability) {
        return (permittedCaps & (1L << capability)) != 0;
    }

    /**
     * The mount point that contains {@code path} and whether it is shared, from the mount table:
     * the longest mount point that is a prefix of the path.
     */
    public MountPoint mountOf(Path path) {
        String best = "/";
        boolean shared = false;
        String p = path.toString();
        for (String line : mountInfo) {
            String[] f = line.split(" ");
            if (f.length < 7) {
                continue;
            }
            String mp = unescape(f[4]);
            if ((p.equals(mp) || p.startsWith(mp.endsWith("/") ? mp : mp + "/") || mp.equals("/"))
                    && mp.length() >= best.length()) {
                best = mp;
                shared = false;
                for (int i = 6; i < f.length && !f[i].equals("-"); i++) {
                    shared |= f[i].startsWith("shared:");
                }
            }
        }
        return new MountPoint(best, shared);
    }

    /** A mount point and whether its propagation is shared. */
    public record MountPoint(String path, boolean shared) {}

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
