package dev.berth.daemon.container;

import dev.berth.oci.runtime.Linux;
import java.util.List;
import java.util.TreeSet;

/**
 * The cgroup limits of a container ({@code linux.resources} less the device rules), from the
 * resource fields of its {@link HostConfig}, checked first with the rules and messages of
 * dockerd's {@code verifyPlatformContainerResources}.
 *
 * <p>Translations that are easy to get wrong: {@code NanoCpus} ({@code --cpus 1.5}) becomes a
 * CFS quota over a 100 ms period (150000/100000); a {@code Memory} limit without
 * {@code MemorySwap} gets twice as much memory+swap, and {@code MemorySwap: -1} means unlimited
 * swap; {@code PidsLimit} of zero or less means no limit.
 */
final class ContainerResources {
    /** dockerd's {@code linuxMinMemory}: 6 MiB, enough for a container to start. */
    static final long MIN_MEMORY = 6L << 20;
    /** The CFS period dockerd uses for {@code NanoCpus}, in microseconds ({@code sched-bwc.txt}). */
    static final long NANO_CPUS_PERIOD = 100_000;

    private ContainerResources() {}

    static Linux.Resources build(HostConfig hc, int hostCpus, List<Linux.DeviceRule> deviceRules) {
        check(hc, hostCpus);
        long memory = value(hc.memory());
        long swap = value(hc.memorySwap());
        if (memory > 0 && swap == 0) {
            swap = memory * 2;
        }
        Long swappiness = hc.memorySwappiness() == null || hc.memorySwappiness() == -1 ? null : hc.memorySwappiness();
        Linux.Memory mem = new Linux.Memory(
                memory > 0 ? memory : null,
                value(hc.memoryReservation()) > 0 ? hc.memoryReservation() : null,
                swap > 0 ? swap : null,
                null, null, swappiness,
                hc.oomKillDisable(), null, null);

        Long period = null;
        Long quota = null;
        if (value(hc.nanoCpus()) > 0) {
            period = NANO_CPUS_PERIOD;
            quota = hc.nanoCpus() * NANO_CPUS_PERIOD / 1_000_000_000L;
        }
        if (value(hc.cpuPeriod()) != 0) {
            period = hc.cpuPeriod();
        }
        if (value(hc.cpuQuota()) != 0) {
            quota = hc.cpuQuota();
        }
        Linux.Cpu cpu = new Linux.Cpu(value(hc.cpuShares()) > 0 ? hc.cpuShares() : null, quota, null, period, null, null,
                empty(hc.cpusetCpus()) ? null : hc.cpusetCpus(), empty(hc.cpusetMems()) ? null : hc.cpusetMems(), null);

        Linux.Pids pids = hc.pidsLimit() == null ? null : new Linux.Pids(hc.pidsLimit() <= 0 ? -1 : hc.pidsLimit());
        Linux.BlockIo blkio = hc.blkioWeight() == null || hc.blkioWeight() == 0 ? null
                : new Linux.BlockIo(hc.blkioWeight(), null, null, null, null, null, null);
        return new Linux.Resources(deviceRules, isEmpty(mem) ? null : mem, isEmpty(cpu) ? null : cpu, pids, blkio,
                null, null, null, null);
    }

    static void check(HostConfig hc, int hostCpus) {
        long memory = value(hc.memory());
        long swap = value(hc.memorySwap());
        long reservation = value(hc.memoryReservation());
        if (memory != 0 && memory < MIN_MEMORY) {
            throw invalid("Minimum memory limit allowed is 6MB");
        }
        if (memory > 0 && swap > 0 && swap < memory) {
            throw invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (memory == 0 && swap > 0) {
            throw invalid("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (hc.memorySwappiness() != null && hc.memorySwappiness() != -1
                && (hc.memorySwappiness() < 0 || hc.memorySwappiness() > 100)) {
            throw invalid("Invalid value: " + hc.memorySwappiness() + ", valid memory swappiness range is 0-100");
        }
        if (reservation > 0 && reservation < MIN_MEMORY) {
            throw invalid("Minimum memory reservation allowed is 6MB");
        }
        if (memory > 0 && reservation > 0 && memory < reservation) {
            throw invalid("Minimum memory limit can not be less than memory reservation limit, see usage");
        }
        long nano = value(hc.nanoCpus());
        if (nano > 0 && value(hc.cpuPeriod()) > 0) {
            throw invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if (nano > 0 && value(hc.cpuQuota()) > 0) {
            throw invalid("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        }
        if (nano < 0 || nano > hostCpus * 1_000_000_000L) {
            throw invalid("Range of CPUs is from 0.01 to " + hostCpus + ".00, as there are only " + hostCpus
                    + " CPUs available");
        }
        if (value(hc.cpuShares()) < 0) {
            throw invalid("shares: invalid argument");
        }
        long period = value(hc.cpuPeriod());
        if (period != 0 && (period < 1000 || period > 1_000_000)) {
            throw invalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        }
        long quota = value(hc.cpuQuota());
        if (quota > 0 && quota < 1000) {
            throw invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        if (!empty(hc.cpusetCpus())) {
            TreeSet<Integer> cpus = cpuList(hc.cpusetCpus(), "cpus");
            if (cpus.last() >= hostCpus) {
                throw invalid("Requested CPUs are not available - requested " + hc.cpusetCpus()
                        + ", available: " + (hostCpus == 1 ? "0" : "0-" + (hostCpus - 1)));
            }
        }
        if (!empty(hc.cpusetMems())) {
            cpuList(hc.cpusetMems(), "mems");
        }
        int weight = hc.blkioWeight() == null ? 0 : hc.blkioWeight();
        if (weight > 0 && (weight < 10 || weight > 1000)) {
            throw invalid("Range of blkio weight is from 10 to 1000");
        }
    }

    /** A cpuset list ({@code 0-3,7}), as {@code parsers.ParseUintList} reads it. */
    static TreeSet<Integer> cpuList(String list, String what) {
        TreeSet<Integer> out = new TreeSet<>();
        try {
            for (String part : list.split(",", -1)) {
                int dash = part.indexOf('-');
                if (dash < 0) {
                    out.add(Integer.parseUnsignedInt(part));
                    continue;
                }
                int lo = Integer.parseUnsignedInt(part.substring(0, dash));
                int hi = Integer.parseUnsignedInt(part.substring(dash + 1));
                if (hi < lo) {
                    throw new NumberFormatException();
                }
                for (int i = lo; i <= hi; i++) {
                    out.add(i);
                }
            }
        } catch (NumberFormatException e) {
            throw invalid("Invalid value " + list + " for cpuset " + what + ": invalid format: " + list);
        }
        return out;
    }

    private static boolean isEmpty(Linux.Memory m) {
        return m.limit() == null && m.reservation() == null && m.swap() == null && m.swappiness() == null
                && m.disableOOMKiller() == null;
    }

    private static boolean isEmpty(Linux.Cpu c) {
        return c.shares() == null && c.quota() == null && c.period() == null && c.cpus() == null && c.mems() == null;
    }

    private static long value(Long v) {
        return v == null ? 0 : v;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static InvalidContainerConfigException invalid(String message) {
        return new InvalidContainerConfigException(message);
    }
}
