package dev.berth.runtime.cli;

import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Update;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code update}: change a container's cgroup limits, from flags or a resources JSON file. */
@Command(name = "update", description = "update container resource constraints")
final class UpdateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Option(names = {"-r", "--resources"}, description = "path to a file containing the resources to update, or '-' for stdin")
    String resources;

    @Option(names = "--blkio-weight") Integer blkioWeight;
    @Option(names = "--cpu-period") Long cpuPeriod;
    @Option(names = "--cpu-quota") Long cpuQuota;
    @Option(names = "--cpu-rt-period") Long cpuRtPeriod;
    @Option(names = "--cpu-rt-runtime") Long cpuRtRuntime;
    @Option(names = "--cpu-share") Long cpuShare;
    @Option(names = "--cpuset-cpus") String cpusetCpus;
    @Option(names = "--cpuset-mems") String cpusetMems;
    @Option(names = "--memory") String memory;
    @Option(names = "--memory-reservation") String memoryReservation;
    @Option(names = "--memory-swap") String memorySwap;
    @Option(names = "--kernel-memory", hidden = true) String kernelMemory;
    @Option(names = "--kernel-memory-tcp", hidden = true) String kernelMemoryTcp;
    @Option(names = "--pids-limit") Long pidsLimit;
    @Option(names = "--l3-cache-schema", hidden = true) String l3CacheSchema;
    @Option(names = "--mem-bw-schema", hidden = true) String memBwSchema;

    @Override
    public Integer call() throws Exception {
        Linux.Resources r;
        if (resources != null) {
            byte[] json = resources.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(resources));
            try {
                r = OciJson.read(json, Linux.Resources.class, resources.equals("-") ? "stdin" : resources);
            } catch (InvalidSpecException e) {
                throw new RuntimeFailure(e.getMessage(), e);
            }
        } else {
            if (kernelMemory != null || kernelMemoryTcp != null) {
                throw new RuntimeFailure("--kernel-memory: kernel memory limits are not supported by this kernel");
            }
            if (l3CacheSchema != null || memBwSchema != null) {
                throw new RuntimeFailure("--l3-cache-schema/--mem-bw-schema: Intel RDT is not supported");
            }
            Linux.Memory mem = memory == null && memoryReservation == null && memorySwap == null ? null
                    : new Linux.Memory(bytes("--memory", memory), bytes("--memory-reservation", memoryReservation),
                            bytes("--memory-swap", memorySwap), null, null, null, null, null, null);
            Linux.Cpu cpu = cpuPeriod == null && cpuQuota == null && cpuRtPeriod == null && cpuRtRuntime == null
                    && cpuShare == null && cpusetCpus == null && cpusetMems == null ? null
                    : new Linux.Cpu(cpuShare, cpuQuota, null, cpuPeriod, cpuRtRuntime, cpuRtPeriod, cpusetCpus, cpusetMems, null);
            r = new Linux.Resources(null, mem, cpu, pidsLimit == null ? null : new Linux.Pids(pidsLimit),
                    blkioWeight == null ? null : new Linux.BlockIo(blkioWeight, null, null, null, null, null, null),
                    null, null, null, null);
        }
        new Update(main.context()).update(id, r);
        return 0;
    }

    /** Bytes with docker's units (b, k, m, g, t; powers of 1024); -1 means unlimited. */
    static Long bytes(String flag, String v) throws RuntimeFailure {
        if (v == null) {
            return null;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("-1")) {
            return -1L;
        }
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long mult = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new RuntimeFailure(flag + ": invalid size " + v);
        }
    }
}
