package dev.berth.runtime.container;

import dev.berth.oci.runtime.Linux;

/** Merges a partial resources update over the current resources, field by field. */
final class Resources {
    private Resources() {}

    static Linux.Resources merge(Linux.Resources a, Linux.Resources b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return new Linux.Resources(or(b.devices(), a.devices()), memory(a.memory(), b.memory()), cpu(a.cpu(), b.cpu()),
                or(b.pids(), a.pids()), or(b.blockIO(), a.blockIO()), or(b.hugepageLimits(), a.hugepageLimits()),
                or(b.network(), a.network()), or(b.rdma(), a.rdma()), or(b.unified(), a.unified()));
    }

    private static Linux.Memory memory(Linux.Memory a, Linux.Memory b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new Linux.Memory(or(b.limit(), a.limit()), or(b.reservation(), a.reservation()), or(b.swap(), a.swap()),
                or(b.kernel(), a.kernel()), or(b.kernelTCP(), a.kernelTCP()), or(b.swappiness(), a.swappiness()),
                or(b.disableOOMKiller(), a.disableOOMKiller()), or(b.useHierarchy(), a.useHierarchy()),
                or(b.checkBeforeUpdate(), a.checkBeforeUpdate()));
    }

    private static Linux.Cpu cpu(Linux.Cpu a, Linux.Cpu b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new Linux.Cpu(or(b.shares(), a.shares()), or(b.quota(), a.quota()), or(b.burst(), a.burst()),
                or(b.period(), a.period()), or(b.realtimeRuntime(), a.realtimeRuntime()),
                or(b.realtimePeriod(), a.realtimePeriod()), or(b.cpus(), a.cpus()), or(b.mems(), a.mems()),
                or(b.idle(), a.idle()));
    }

    private static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
