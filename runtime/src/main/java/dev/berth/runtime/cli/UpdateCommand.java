package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;
import static dev.berth.runtime.cli.Invocation.Model.hidden;
import static dev.berth.runtime.cli.Invocation.Model.option;

import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Update;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** {@code update}: change a container's cgroup limits, from flags or a resources JSON file. */
final class UpdateCommand implements RuntimeCommand {
    private String id;
    private String resources;
    private Integer blkioWeight;
    private Long cpuPeriod;
    private Long cpuQuota;
    private Long cpuRtPeriod;
    private Long cpuRtRuntime;
    private Long cpuShare;
    private String cpusetCpus;
    private String cpusetMems;
    private String memory;
    private String memoryReservation;
    private String memorySwap;
    private String kernelMemory;
    private String kernelMemoryTcp;
    private Long pidsLimit;
    private String l3CacheSchema;
    private String memBwSchema;

    @Override
    public CommandSpec spec() {
        return command("update", "update container resource constraints")
                .addPositional(containerId())
                .addOption(option(String.class, null,
                        "path to a file containing the resources to update, or '-' for stdin", "-r", "--resources"))
                .addOption(value(Integer.class, "--blkio-weight"))
                .addOption(value(Long.class, "--cpu-period"))
                .addOption(value(Long.class, "--cpu-quota"))
                .addOption(value(Long.class, "--cpu-rt-period"))
                .addOption(value(Long.class, "--cpu-rt-runtime"))
                .addOption(value(Long.class, "--cpu-share"))
                .addOption(value(String.class, "--cpuset-cpus"))
                .addOption(value(String.class, "--cpuset-mems"))
                .addOption(value(String.class, "--memory"))
                .addOption(value(String.class, "--memory-reservation"))
                .addOption(value(String.class, "--memory-swap"))
                .addOption(hidden(String.class, "--kernel-memory"))
                .addOption(hidden(String.class, "--kernel-memory-tcp"))
                .addOption(value(Long.class, "--pids-limit"))
                .addOption(hidden(String.class, "--l3-cache-schema"))
                .addOption(hidden(String.class, "--mem-bw-schema"));
    }

    /** A limit flag: runc's manual lists them without descriptions. */
    private static picocli.CommandLine.Model.OptionSpec value(Class<?> type, String name) {
        return option(type, null, null, name);
    }

    @Override
    public int call(Invocation in) throws Exception {
        id = in.id();
        resources = in.value("--resources");
        blkioWeight = in.value("--blkio-weight");
        cpuPeriod = in.value("--cpu-period");
        cpuQuota = in.value("--cpu-quota");
        cpuRtPeriod = in.value("--cpu-rt-period");
        cpuRtRuntime = in.value("--cpu-rt-runtime");
        cpuShare = in.value("--cpu-share");
        cpusetCpus = in.value("--cpuset-cpus");
        cpusetMems = in.value("--cpuset-mems");
        memory = in.value("--memory");
        memoryReservation = in.value("--memory-reservation");
        memorySwap = in.value("--memory-swap");
        kernelMemory = in.value("--kernel-memory");
        kernelMemoryTcp = in.value("--kernel-memory-tcp");
        pidsLimit = in.value("--pids-limit");
        l3CacheSchema = in.value("--l3-cache-schema");
        memBwSchema = in.value("--mem-bw-schema");
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
        new Update(in.context()).update(id, r);
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
