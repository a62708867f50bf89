package dev.berth.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;

/**
 * The {@code linux} object of a runtime configuration ({@code config-linux.md}): namespaces,
 * id mappings, devices, cgroup placement and resources, seccomp, sysctls and the path rules
 * that harden {@code /proc} and {@code /sys}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Linux(
        List<Namespace> namespaces,
        List<Spec.IdMapping> uidMappings,
        List<Spec.IdMapping> gidMappings,
        Map<String, TimeOffset> timeOffsets,
        List<Device> devices,
        String cgroupsPath,
        Resources resources,
        Map<String, String> sysctl,
        Seccomp seccomp,
        String rootfsPropagation,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String mountLabel,
        Personality personality) {

    /** A namespace to create ({@code path} null) or to join ({@code path} set). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Namespace(String type, String path) {}

    /** Offsets of the time namespace's clocks ({@code monotonic}, {@code boottime}). */
    public record TimeOffset(long secs, long nanosecs) {}

    /** A device node to create in the container's {@code /dev}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Device(
            String type, String path, Long major, Long minor, Integer fileMode, Long uid, Long gid) {}

    /** Cgroup limits; each part maps onto one controller. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resources(
            List<DeviceRule> devices,
            Memory memory,
            Cpu cpu,
            Pids pids,
            @JsonProperty("blockIO") BlockIo blockIO,
            List<HugepageLimit> hugepageLimits,
            Network network,
            Map<String, Map<String, Long>> rdma,
            Map<String, String> unified) {}

    /** One rule of the device cgroup allow/deny list. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    /** The memory controller, in bytes ({@code -1} means unlimited). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(
            Long limit, Long reservation, Long swap, Long kernel,
            @JsonProperty("kernelTCP") Long kernelTCP, Long swappiness,
            @JsonProperty("disableOOMKiller") Boolean disableOOMKiller,
            Boolean useHierarchy, Boolean checkBeforeUpdate) {}

    /** The cpu and cpuset controllers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cpu(
            Long shares, Long quota, Long burst, Long period,
            Long realtimeRuntime, Long realtimePeriod,
            String cpus, String mems, Long idle) {}

    /**
     * The pids controller: {@code -1} means no limit ({@code max}); {@code 0} is a real limit
     * that the spec asks runtimes to honour, although runc historically read it as "unset".
     */
    public record Pids(long limit) {}

    /** The blkio (v1) or io (v2) controller. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BlockIo(
            Integer weight, Integer leafWeight,
            List<WeightDevice> weightDevice,
            List<ThrottleDevice> throttleReadBpsDevice,
            List<ThrottleDevice> throttleWriteBpsDevice,
            @JsonProperty("throttleReadIOPSDevice") List<ThrottleDevice> throttleReadIOPSDevice,
            @JsonProperty("throttleWriteIOPSDevice") List<ThrottleDevice> throttleWriteIOPSDevice) {}

    /** A per-device blkio weight. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WeightDevice(long major, long minor, Integer weight, Integer leafWeight) {}

    /** A per-device blkio rate limit. */
    public record ThrottleDevice(long major, long minor, long rate) {}

    /** A hugetlb limit for one page size such as {@code 2MB}. */
    public record HugepageLimit(String pageSize, long limit) {}

    /** The net_cls and net_prio controllers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Network(@JsonProperty("classID") Long classID, List<InterfacePriority> priorities) {}

    /** A net_prio priority for one interface. */
    public record InterfacePriority(String name, long priority) {}

    /** A seccomp profile in the OCI form. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Seccomp(
            String defaultAction,
            Integer defaultErrnoRet,
            List<String> architectures,
            List<String> flags,
            String listenerPath,
            String listenerMetadata,
            List<Syscall> syscalls) {}

    /** A seccomp rule: the syscalls it names, the action, and the argument conditions (all must hold). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Syscall(List<String> names, String action, Integer errnoRet, List<SeccompArg> args) {}

    /**
     * A condition on one syscall argument. {@code value} and {@code valueTwo} are unsigned 64-bit
     * numbers held in a {@code long}'s bits (the JSON may say up to 18446744073709551615); an
     * absent {@code valueTwo} is 0.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SeccompArg(
            int index,
            @JsonDeserialize(using = UnsignedLongJson.Deserializer.class)
            @JsonSerialize(using = UnsignedLongJson.Serializer.class) long value,
            @JsonDeserialize(using = UnsignedLongJson.Deserializer.class)
            @JsonSerialize(using = UnsignedLongJson.Serializer.class) long valueTwo,
            String op) {}

    /** The execution domain ({@code personality(2)}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Personality(String domain, List<String> flags) {}
}
