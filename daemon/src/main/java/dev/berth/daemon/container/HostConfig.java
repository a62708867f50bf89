package dev.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The host-level part of a create request ({@code HostConfig} in the Engine API): what the
 * container gets from the host (mounts, devices, capabilities, namespaces shared or not) and the
 * cgroup limits it runs under.
 *
 * <p>The record is flat because the API is: Docker's {@code Resources} object is inlined into
 * {@code HostConfig} ({@code allOf}), and {@code docker update} sends those same fields at the
 * top level. The resource fields are grouped last. Absent values are {@code null}; only the
 * fields Berth acts on are modelled, and unknown ones are ignored as Go's decoder ignores them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record HostConfig(
        List<String> binds,
        String networkMode,
        RestartPolicy restartPolicy,
        Boolean autoRemove,
        List<String> volumesFrom,
        List<MountConfig> mounts,
        List<String> capAdd,
        List<String> capDrop,
        String cgroupnsMode,
        List<String> dns,
        List<String> dnsOptions,
        List<String> dnsSearch,
        List<String> extraHosts,
        List<String> groupAdd,
        String ipcMode,
        Integer oomScoreAdj,
        String pidMode,
        Boolean privileged,
        Boolean readonlyRootfs,
        List<String> securityOpt,
        Map<String, String> tmpfs,
        @JsonProperty("UTSMode") String utsMode,
        String usernsMode,
        Long shmSize,
        Map<String, String> sysctls,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        Map<String, String> annotations,
        List<Integer> consoleSize,
        // Resources, inlined as in the API.
        String cgroupParent,
        Long cpuShares,
        Long cpuPeriod,
        Long cpuQuota,
        String cpusetCpus,
        String cpusetMems,
        Long nanoCpus,
        Long memory,
        Long memoryReservation,
        Long memorySwap,
        Long memorySwappiness,
        Boolean oomKillDisable,
        Long pidsLimit,
        Integer blkioWeight,
        List<DeviceMapping> devices,
        List<String> deviceCgroupRules,
        List<Ulimit> ulimits,
        Boolean init,
        LogConfig logConfig,
        // Networking
        Map<String, List<PortBinding>> portBindings,
        Boolean publishAllPorts,
        List<String> links) {

    /** A host config with every field absent (what a create request without one means). */
    public static HostConfig empty() {
        return new HostConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    /** The same host config with another log driver and options ({@code LogConfig}). */
    public HostConfig withLogConfig(LogConfig newLogConfig) {
        return new HostConfig(binds, networkMode, restartPolicy, autoRemove, volumesFrom, mounts, capAdd, capDrop, cgroupnsMode,
                dns, dnsOptions, dnsSearch, extraHosts, groupAdd, ipcMode, oomScoreAdj, pidMode,
                privileged, readonlyRootfs, securityOpt, tmpfs, utsMode, usernsMode, shmSize,
                sysctls, maskedPaths, readonlyPaths, annotations, consoleSize, cgroupParent,
                cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, nanoCpus, memory,
                memoryReservation, memorySwap, memorySwappiness, oomKillDisable, pidsLimit,
                blkioWeight, devices, deviceCgroupRules, ulimits, init, newLogConfig, portBindings,
                publishAllPorts, links);
    }

    public boolean isPrivileged() {
        return Boolean.TRUE.equals(privileged);
    }

    public boolean isReadonlyRootfs() {
        return Boolean.TRUE.equals(readonlyRootfs);
    }

    public boolean isAutoRemove() {
        return Boolean.TRUE.equals(autoRemove);
    }

    /** {@code RestartPolicy}: {@code ""}, {@code no}, {@code always}, {@code unless-stopped} or {@code on-failure}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record RestartPolicy(String name, Integer maximumRetryCount) {
        /** True for the policies that never restart ({@code ""} and {@code no}). */
        public boolean isNone() {
            return name == null || name.isEmpty() || name.equals("no");
        }
    }

    /** {@code --log-driver} and its {@code --log-opt}s ({@code max-size}, {@code max-file} for {@code json-file}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record LogConfig(String type, Map<String, String> config) {}

    /** {@code --device}: a host device node (or a directory of them) and its cgroup access ({@code rwm}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record DeviceMapping(String pathOnHost, String pathInContainer, String cgroupPermissions) {}

    /** {@code --ulimit name=soft:hard}; {@code name} without the {@code RLIMIT_} prefix, lower case. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Ulimit(String name, long soft, long hard) {}
}
