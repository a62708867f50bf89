package dev.berth.daemon.api.system;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /info} (swagger: {@code SystemInfo}): one flat JSON object, built here
 * from parts that come from different places (the object counts from the services, the host's
 * facts from {@link HostFacts}, the daemon's own settings) and flattened on the wire.
 */
public record SystemInfo(@JsonProperty("ID") String id,
                         @JsonUnwrapped Counts counts,
                         @JsonUnwrapped Storage storage,
                         @JsonUnwrapped Features features,
                         @JsonUnwrapped Host host,
                         @JsonUnwrapped Process process,
                         @JsonUnwrapped Engine engine,
                         @JsonProperty("Warnings") List<String> warnings) {

    /** How many objects the daemon has. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Counts(long containers, long containersRunning, long containersPaused, long containersStopped,
                         long images) {}

    /** Where and how images and containers are stored. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Storage(String driver, List<List<String>> driverStatus, String dockerRootDir) {}

    /** What the kernel's cgroups and network settings allow. */
    public record Features(@JsonProperty("MemoryLimit") boolean memoryLimit,
                           @JsonProperty("SwapLimit") boolean swapLimit,
                           @JsonProperty("CpuCfsPeriod") boolean cpuCfsPeriod,
                           @JsonProperty("CpuCfsQuota") boolean cpuCfsQuota,
                           @JsonProperty("CPUShares") boolean cpuShares,
                           @JsonProperty("CPUSet") boolean cpuSet,
                           @JsonProperty("PidsLimit") boolean pidsLimit,
                           @JsonProperty("OomKillDisable") boolean oomKillDisable,
                           @JsonProperty("IPv4Forwarding") boolean ipv4Forwarding,
                           @JsonProperty("CgroupDriver") String cgroupDriver,
                           @JsonProperty("CgroupVersion") String cgroupVersion) {}

    /** The machine. */
    public record Host(@JsonProperty("KernelVersion") String kernelVersion,
                       @JsonProperty("OperatingSystem") String operatingSystem,
                       @JsonProperty("OSVersion") String osVersion,
                       @JsonProperty("OSType") String osType,
                       @JsonProperty("Architecture") String architecture,
                       @JsonProperty("NCPU") int ncpu,
                       @JsonProperty("MemTotal") long memTotal,
                       @JsonProperty("Name") String name,
                       @JsonProperty("HttpProxy") String httpProxy,
                       @JsonProperty("HttpsProxy") String httpsProxy,
                       @JsonProperty("NoProxy") String noProxy) {}

    /** The daemon process right now. */
    public record Process(@JsonProperty("Debug") boolean debug,
                          @JsonProperty("NFd") int nfd,
                          @JsonProperty("NGoroutines") int nGoroutines,
                          @JsonProperty("SystemTime") String systemTime,
                          @JsonProperty("NEventsListener") int nEventsListener) {}

    /** The engine's configuration and make-up. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Engine(String serverVersion, Plugins plugins, String loggingDriver, Map<String, Runtime> runtimes,
                         String defaultRuntime, Swarm swarm, List<String> securityOptions, String indexServerAddress,
                         RegistryConfig registryConfig, List<String> labels, boolean experimentalBuild,
                         boolean liveRestoreEnabled, String isolation, String initBinary, Commit containerdCommit,
                         Commit runcCommit, Commit initCommit, @JsonProperty("CDISpecDirs") List<String> cdiSpecDirs) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Plugins(List<String> volume, List<String> network, List<String> authorization, List<String> log) {}

    /** A container runtime; Berth's runs in the daemon's process, so it has no path. */
    public record Runtime(@JsonProperty("path") String path) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Swarm(@JsonProperty("NodeID") String nodeId, String nodeAddr, String localNodeState,
                        boolean controlAvailable, String error) {
        public static final Swarm INACTIVE = new Swarm("", "", "inactive", false, "");
    }

    public record Commit(@JsonProperty("ID") String id) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record RegistryConfig(@JsonProperty("InsecureRegistryCIDRs") List<String> insecureRegistryCidrs,
                                 Map<String, IndexInfo> indexConfigs, List<String> mirrors) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record IndexInfo(String name, List<String> mirrors, boolean secure, boolean official) {}
}
