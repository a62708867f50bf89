package dev.berth.daemon.container;

import dev.berth.runtime.cgroup.CgroupStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code docker stats} sample ({@code ContainerStatsResponse}) made from a container's cgroup
 * counters, field by field as dockerd fills it on cgroup v1: CPU time with the host's total CPU
 * time beside it ({@code system_cpu_usage}, from {@code /proc/stat}), so that the client can
 * turn the difference between two samples into a percentage; memory with the host's memory as
 * the limit of a container that has none; pids; block I/O. A container without a network of its
 * own has no {@code networks}, as dockerd leaves it out for {@code --network none}.
 */
final class StatsSample {
    /** USER_HZ: {@code /proc/stat} counts in hundredths of a second on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private StatsSample() {}

    /** The host's facts a sample needs: total CPU time so far (ns), online CPUs, memory (bytes). */
    record Host(long systemCpuNanos, int onlineCpus, long memoryBytes) {
        static Host read() {
            return new Host(systemCpu(Path.of("/proc/stat")), Runtime.getRuntime().availableProcessors(),
                    memTotal(Path.of("/proc/meminfo")));
        }
    }

    /** A sample of {@code stats} read at {@code read}; {@code previous} gives {@code precpu_stats} and {@code preread}. */
    static Map<String, Object> of(String id, String name, Instant read, CgroupStats stats, Host host,
            Map<String, Object> previous) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("id", id);
        out.put("read", read.toString());
        out.put("preread", previous == null ? ContainerRecord.State.NEVER : previous.get("read"));
        out.put("pids_stats", stats == null ? Map.of() : pids(stats.pids()));
        out.put("blkio_stats", stats == null ? blkio(null) : blkio(stats.blkio()));
        out.put("num_procs", 0);
        out.put("storage_stats", Map.of());
        out.put("cpu_stats", stats == null ? emptyCpu() : cpu(stats.cpu(), host));
        out.put("precpu_stats", previous == null ? emptyCpu() : previous.get("cpu_stats"));
        out.put("memory_stats", stats == null ? Map.of() : memory(stats.memory(), host));
        return out;
    }

    /** A container that does not run: dockerd's sample of zeros. */
    static Map<String, Object> stopped(String id, String name) {
        Map<String, Object> out = of(id, name, Instant.EPOCH, null, null, null);
        out.put("read", ContainerRecord.State.NEVER);
        return out;
    }

    private static Map<String, Object> cpu(CgroupStats.Cpu c, Host host) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", c.total());
        if (!c.perCpu().isEmpty()) {
            usage.put("percpu_usage", c.perCpu());
        }
        usage.put("usage_in_kernelmode", c.kernel());
        usage.put("usage_in_usermode", c.user());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu_usage", usage);
        out.put("system_cpu_usage", host.systemCpuNanos());
        out.put("online_cpus", host.onlineCpus());
        out.put("throttling_data", Map.of("periods", c.throttling().periods(), "throttled_periods",
                c.throttling().throttledPeriods(), "throttled_time", c.throttling().throttledTime()));
        return out;
    }

    private static Map<String, Object> emptyCpu() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu_usage", Map.of("total_usage", 0, "usage_in_kernelmode", 0, "usage_in_usermode", 0));
        out.put("throttling_data", Map.of("periods", 0, "throttled_periods", 0, "throttled_time", 0));
        return out;
    }

    private static Map<String, Object> memory(CgroupStats.Memory m, Host host) {
        long limit = m.usage().limit();
        // no limit reads as a page-rounded 2^63: the host's memory is what bounds the container
        if (host.memoryBytes() > 0 && (limit < 0 || Long.compareUnsigned(limit, host.memoryBytes()) > 0)) {
            limit = host.memoryBytes();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("usage", m.usage().usage());
        out.put("max_usage", m.usage().max());
        out.put("stats", m.raw());
        out.put("failcnt", m.usage().failcnt());
        out.put("limit", limit);
        return out;
    }

    private static Map<String, Object> pids(CgroupStats.Pids p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("current", p.current());
        if (p.limit() >= 0) {
            out.put("limit", p.limit());
        }
        return out;
    }

    private static Map<String, Object> blkio(CgroupStats.Blkio b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("io_service_bytes_recursive", b == null ? null : entries(b.ioServiceBytesRecursive()));
        out.put("io_serviced_recursive", b == null ? null : entries(b.ioServicedRecursive()));
        out.put("io_queue_recursive", null);
        out.put("io_service_time_recursive", null);
        out.put("io_wait_time_recursive", null);
        out.put("io_merged_recursive", null);
        out.put("io_time_recursive", null);
        out.put("sectors_recursive", null);
        return out;
    }

    private static List<Map<String, Object>> entries(List<CgroupStats.BlkioEntry> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CgroupStats.BlkioEntry e : list) {
            out.add(Map.of("major", e.major(), "minor", e.minor(), "op", e.op(), "value", e.value()));
        }
        return out;
    }

    /** The first line of {@code /proc/stat}: the CPU time of all CPUs in every mode, in ns (dockerd's getSystemCPUUsage). */
    static long systemCpu(Path procStat) {
        try {
            for (String line : Files.readAllLines(procStat)) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("cpu")) {
                    long ticks = 0;
                    for (int i = 1; i < f.length && i <= 8; i++) { // user … steal; guest time is in user already
                        ticks += Long.parseLong(f[i]);
                    }
                    return ticks * NANOS_PER_TICK;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no host figure: the client shows 0% rather than a wrong number
        }
        return 0;
    }

    /** {@code MemTotal} of {@code /proc/meminfo}, in bytes; 0 if unreadable. */
    static long memTotal(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: the cgroup's own limit stands
        }
        return 0;
    }
}
