package dev.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a cgroup v2 directory's counters into {@link CgroupStats}, in the v1 terms runc reports:
 * microseconds become nanoseconds, {@code anon} is rss and {@code file} cache, and swap is
 * reported as memory+swap. Counters v2 does not keep (per-cpu time) are empty. A missing file
 * (a controller not enabled, a cgroup gone) reads as zero.
 */
final class CgroupV2Stats {
    private static final Pattern HUGETLB_FILE = Pattern.compile("hugetlb\\.([0-9]+[KMG]B)\\.max");

    private CgroupV2Stats() {}

    static CgroupStats read(Path dir) throws CgroupException {
        Map<String, Long> cpu = ControlFiles.readKeyed(dir.resolve("cpu.stat"));
        var cpuStats = new CgroupStats.Cpu(us(cpu, "usage_usec"), us(cpu, "user_usec"), us(cpu, "system_usec"),
                List.of(), List.of(), List.of(),
                new CgroupStats.Throttling(cpu.getOrDefault("nr_periods", 0L), cpu.getOrDefault("nr_throttled", 0L),
                        us(cpu, "throttled_usec")));

        Map<String, Long> raw = ControlFiles.readKeyed(dir.resolve("memory.stat"));
        long limit = limit(dir.resolve("memory.max"));
        var usage = new CgroupStats.MemoryEntry(ControlFiles.readLong(dir.resolve("memory.current")),
                ControlFiles.readLong(dir.resolve("memory.peak")), limit,
                ControlFiles.readKeyed(dir.resolve("memory.events")).getOrDefault("max", 0L));
        long swapLimit = limit(dir.resolve("memory.swap.max"));
        var swap = new CgroupStats.MemoryEntry(ControlFiles.readLong(dir.resolve("memory.swap.current")) + usage.usage(),
                ControlFiles.readLong(dir.resolve("memory.swap.peak")),
                swapLimit == ControlFiles.MAX || limit == ControlFiles.MAX ? ControlFiles.MAX : swapLimit + limit,
                ControlFiles.readKeyed(dir.resolve("memory.swap.events")).getOrDefault("max", 0L));
        var memory = new CgroupStats.Memory(raw.getOrDefault("file", 0L), raw.getOrDefault("anon", 0L), usage, swap,
                CgroupStats.MemoryEntry.NONE, CgroupStats.MemoryEntry.NONE, oomKills(dir), raw);

        var pids = new CgroupStats.Pids(ControlFiles.readLong(dir.resolve("pids.current")), limit(dir.resolve("pids.max")));
        return new CgroupStats(cpuStats, memory, pids, io(dir), hugetlb(dir));
    }

    /** The {@code oom_kill} count of {@code memory.events}. */
    static long oomKills(Path dir) throws CgroupException {
        return ControlFiles.readKeyed(dir.resolve("memory.events")).getOrDefault("oom_kill", 0L);
    }

    /** Per page size: {@code hugetlb.<size>.current} and the {@code max} count of {@code .events}. */
    static Map<String, CgroupStats.Hugetlb> hugetlb(Path dir) throws CgroupException {
        Map<String, CgroupStats.Hugetlb> out = new LinkedHashMap<>();
        for (String size : pageSizes(dir)) {
            out.put(size, new CgroupStats.Hugetlb(ControlFiles.readLong(dir.resolve("hugetlb." + size + ".current")), 0,
                    ControlFiles.readKeyed(dir.resolve("hugetlb." + size + ".events")).getOrDefault("max", 0L)));
        }
        return out;
    }

    /** {@code io.stat}: {@code 8:0 rbytes=… wbytes=… rios=… wios=… dbytes=… dios=…} per device. */
    private static CgroupStats.Blkio io(Path dir) throws CgroupException {
        List<CgroupStats.BlkioEntry> bytes = new ArrayList<>();
        List<CgroupStats.BlkioEntry> ios = new ArrayList<>();
        Path file = dir.resolve("io.stat");
        String s = ControlFiles.readIfExists(file);
        if (s != null && !s.isEmpty()) {
            for (String line : s.split("\n")) {
                String[] f = line.trim().split("\\s+");
                String[] dev = f[0].split(":");
                if (dev.length != 2) {
                    continue;
                }
                long major = Long.parseLong(dev[0]);
                long minor = Long.parseLong(dev[1]);
                for (int i = 1; i < f.length; i++) {
                    String[] kv = f[i].split("=", 2);
                    if (kv.length != 2) {
                        continue;
                    }
                    long v = ControlFiles.parse(file, kv[1]);
                    switch (kv[0]) {
                        case "rbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Read", v));
                        case "wbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Write", v));
                        case "rios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Read", v));
                        case "wios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Write", v));
                        default -> { }
                    }
                }
            }
        }
        return new CgroupStats.Blkio(bytes, ios);
    }

    private static Set<String> pageSizes(Path dir) throws CgroupException {
        Set<String> sizes = new LinkedHashSet<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                Matcher m = HUGETLB_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    sizes.add(m.group(1));
                }
            }
        } catch (NoSuchFileException e) {
            return sizes;
        } catch (IOException e) {
            throw new CgroupException("read " + dir + ": " + CgroupException.reason(e), e);
        }
        return sizes;
    }

    /** A limit file: its value, or "max" ({@link ControlFiles#MAX}) when the controller is absent. */
    private static long limit(Path file) throws CgroupException {
        return Files.exists(file) ? ControlFiles.readLong(file) : ControlFiles.MAX;
    }

    private static long us(Map<String, Long> m, String key) {
        return m.getOrDefault(key, 0L) * 1000;
    }
}
