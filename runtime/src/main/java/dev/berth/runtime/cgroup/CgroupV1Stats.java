package dev.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a cgroup's counters from the v1 hierarchies into {@link CgroupStats}, file by file as
 * runc's {@code fs} manager reads them. A hierarchy the host lacks, or a file its kernel lacks,
 * reads as zero or empty.
 */
final class CgroupV1Stats {
    private static final Pattern HUGETLB_FILE = Pattern.compile("hugetlb\\.([0-9]+[KMG]B)\\.limit_in_bytes");
    /** cpuacct.stat counts USER_HZ ticks, which Linux fixes at 100 per second. */
    private static final long NANOS_PER_TICK = 1_000_000_000L / 100;

    private final Function<String, Path> dir;

    /** @param dir the cgroup's directory in the hierarchy of a controller, or null if none carries it */
    CgroupV1Stats(Function<String, Path> dir) {
        this.dir = dir;
    }

    /** @param unifiedHugetlb on a hybrid host, the cgroup2 directory that holds hugetlb; else null */
    CgroupStats read(Path unifiedHugetlb) throws CgroupException {
        return new CgroupStats(cpu(), memory(), pids(), blkio(),
                unifiedHugetlb != null && dir.apply("hugetlb") == null ? CgroupV2Stats.hugetlb(unifiedHugetlb) : hugetlb());
    }

    /** {@code oom_kill} in {@code memory.oom_control} (Linux 4.13+). */
    long oomKills() throws CgroupException {
        Path d = dir.apply("memory");
        return d == null ? 0 : ControlFiles.readKeyed(d.resolve("memory.oom_control")).getOrDefault("oom_kill", 0L);
    }

    private CgroupStats.Cpu cpu() throws CgroupException {
        Path acct = dir.apply("cpuacct");
        long total = 0, user = 0, kernel = 0;
        List<Long> perCpu = List.of(), perUser = List.of(), perKernel = List.of();
        if (acct != null) {
            total = ControlFiles.readLong(acct.resolve("cpuacct.usage"));
            perCpu = ControlFiles.readList(acct.resolve("cpuacct.usage_percpu"));
            perUser = ControlFiles.readList(acct.resolve("cpuacct.usage_percpu_user"));
            perKernel = ControlFiles.readList(acct.resolve("cpuacct.usage_percpu_sys"));
            if (Files.exists(acct.resolve("cpuacct.usage_user"))) {
                user = ControlFiles.readLong(acct.resolve("cpuacct.usage_user"));
                kernel = ControlFiles.readLong(acct.resolve("cpuacct.usage_sys"));
            } else {
                Map<String, Long> ticks = ControlFiles.readKeyed(acct.resolve("cpuacct.stat"));
                user = ticks.getOrDefault("user", 0L) * NANOS_PER_TICK;
                kernel = ticks.getOrDefault("system", 0L) * NANOS_PER_TICK;
            }
        }
        Path cpu = dir.apply("cpu");
        Map<String, Long> st = cpu == null ? Map.of() : ControlFiles.readKeyed(cpu.resolve("cpu.stat"));
        return new CgroupStats.Cpu(total, user, kernel, perCpu, perUser, perKernel, new CgroupStats.Throttling(
                st.getOrDefault("nr_periods", 0L), st.getOrDefault("nr_throttled", 0L), st.getOrDefault("throttled_time", 0L)));
    }

    private CgroupStats.Memory memory() throws CgroupException {
        Path d = dir.apply("memory");
        if (d == null) {
            return new CgroupStats.Memory(0, 0, CgroupStats.MemoryEntry.NONE, CgroupStats.MemoryEntry.NONE,
                    CgroupStats.MemoryEntry.NONE, CgroupStats.MemoryEntry.NONE, 0, Map.of());
        }
        Map<String, Long> raw = ControlFiles.readKeyed(d.resolve("memory.stat"));
        return new CgroupStats.Memory(raw.getOrDefault("cache", 0L), raw.getOrDefault("rss", 0L),
                memoryEntry(d, "memory"), memoryEntry(d, "memory.memsw"), memoryEntry(d, "memory.kmem"),
                memoryEntry(d, "memory.kmem.tcp"), oomKills(), raw);
    }

    /** {@code <prefix>.usage_in_bytes}, {@code .max_usage_in_bytes}, {@code .limit_in_bytes}, {@code .failcnt}. */
    private static CgroupStats.MemoryEntry memoryEntry(Path d, String prefix) throws CgroupException {
        if (!Files.exists(d.resolve(prefix + ".usage_in_bytes"))) {
            return CgroupStats.MemoryEntry.NONE;
        }
        return new CgroupStats.MemoryEntry(ControlFiles.readLong(d.resolve(prefix + ".usage_in_bytes")),
                ControlFiles.readLong(d.resolve(prefix + ".max_usage_in_bytes")),
                ControlFiles.readLong(d.resolve(prefix + ".limit_in_bytes")),
                ControlFiles.readLong(d.resolve(prefix + ".failcnt")));
    }

    private CgroupStats.Pids pids() throws CgroupException {
        Path d = dir.apply("pids");
        if (d == null || !Files.exists(d.resolve("pids.max"))) {
            return new CgroupStats.Pids(0, ControlFiles.MAX);
        }
        return new CgroupStats.Pids(ControlFiles.readLong(d.resolve("pids.current")), ControlFiles.readLong(d.resolve("pids.max")));
    }

    /** CFQ's files if the kernel has them, else BFQ's, else the throttling layer's, as runc picks. */
    private CgroupStats.Blkio blkio() throws CgroupException {
        Path d = dir.apply("blkio");
        if (d == null) {
            return new CgroupStats.Blkio(List.of(), List.of());
        }
        return new CgroupStats.Blkio(blkioEntries(d, "io_service_bytes_recursive"), blkioEntries(d, "io_serviced_recursive"));
    }

    private static List<CgroupStats.BlkioEntry> blkioEntries(Path d, String name) throws CgroupException {
        for (String prefix : List.of("blkio.", "blkio.bfq.", "blkio.throttle.")) {
            Path f = d.resolve(prefix + name);
            String s = ControlFiles.readIfExists(f);
            if (s == null) {
                continue;
            }
            List<CgroupStats.BlkioEntry> out = new ArrayList<>();
            for (String line : s.split("\n")) {
                // "8:0 Read 4096"; the last line, "Total 4096", has no device
                String[] f3 = line.trim().split("\\s+");
                String[] dev = f3[0].split(":");
                if (f3.length == 3 && dev.length == 2) {
                    out.add(new CgroupStats.BlkioEntry(Long.parseLong(dev[0]), Long.parseLong(dev[1]), f3[1],
                            ControlFiles.parse(f, f3[2])));
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        return List.of();
    }

    private Map<String, CgroupStats.Hugetlb> hugetlb() throws CgroupException {
        Path d = dir.apply("hugetlb");
        Map<String, CgroupStats.Hugetlb> out = new LinkedHashMap<>();
        if (d == null || !Files.isDirectory(d)) {
            return out;
        }
        try (var s = Files.list(d)) {
            for (Path p : s.sorted().toList()) {
                var m = HUGETLB_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    String size = m.group(1);
                    out.put(size, new CgroupStats.Hugetlb(ControlFiles.readLong(d.resolve("hugetlb." + size + ".usage_in_bytes")),
                            ControlFiles.readLong(d.resolve("hugetlb." + size + ".max_usage_in_bytes")),
                            ControlFiles.readLong(d.resolve("hugetlb." + size + ".failcnt"))));
                }
            }
        } catch (IOException e) {
            throw new CgroupException("read " + d + ": " + CgroupException.reason(e), e);
        }
        return out;
    }
}
