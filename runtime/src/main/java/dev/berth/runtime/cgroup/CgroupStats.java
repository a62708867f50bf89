package dev.berth.runtime.cgroup;

import java.util.List;
import java.util.Map;

/**
 * What a cgroup's controllers report: the numbers behind runc's {@code events --stats}. Both
 * managers fill the same shape; where cgroup v2 has no counterpart (per-cpu usage, maximum
 * usage on kernels without {@code memory.peak}) the value is 0 or empty.
 *
 * <p>Every number is an unsigned 64-bit value held in a {@code long}; {@code -1} (all bits set)
 * is the kernel's "max", an absent limit. Times are nanoseconds, sizes bytes.
 *
 * @param hugetlb per page size such as {@code 2MB}
 */
public record CgroupStats(Cpu cpu, Memory memory, Pids pids, Blkio blkio, Map<String, Hugetlb> hugetlb) {

    /** CPU time used, in total, by mode and per cpu, and how often the quota held it back. */
    public record Cpu(long total, long user, long kernel, List<Long> perCpu, List<Long> perCpuUser,
            List<Long> perCpuKernel, Throttling throttling) {}

    /** CFS bandwidth control: periods elapsed, periods in which the quota ran out, time held back. */
    public record Throttling(long periods, long throttledPeriods, long throttledTime) {}

    /** One memory counter: current and peak usage, the limit, and how often the limit was hit. */
    public record MemoryEntry(long usage, long max, long limit, long failcnt) {
        static final MemoryEntry NONE = new MemoryEntry(0, 0, 0, 0);
    }

    /**
     * Memory use. {@code swap} is memory+swap as cgroup v1 counts it (v2 numbers are converted),
     * {@code oomKills} the processes the OOM killer has killed in this cgroup, {@code raw} the
     * controller's own {@code memory.stat}.
     */
    public record Memory(long cache, long rss, MemoryEntry usage, MemoryEntry swap, MemoryEntry kernel,
            MemoryEntry kernelTcp, long oomKills, Map<String, Long> raw) {}

    /** Tasks in the cgroup and the limit ({@code -1}: none). */
    public record Pids(long current, long limit) {}

    /** One line of a block I/O counter: device, operation ({@code Read}, {@code Write}, …), value. */
    public record BlkioEntry(long major, long minor, String op, long value) {}

    /** Bytes and operations per device, this cgroup and its descendants. */
    public record Blkio(List<BlkioEntry> ioServiceBytesRecursive, List<BlkioEntry> ioServicedRecursive) {}

    /** Huge pages of one size: usage, peak usage (v1 only) and how often the limit was hit. */
    public record Hugetlb(long usage, long max, long failcnt) {}
}
