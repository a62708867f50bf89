package dev.berth.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a runtime implements, as {@code runc features} reports it ({@code features.md},
 * {@code features-linux.md}): the spec versions it accepts, the hooks, mount options,
 * namespaces, capabilities and seccomp names it recognises, and which optional subsystems it
 * supports. Callers such as containerd read it to decide what they may put in a
 * {@code config.json}.
 *
 * <p>The document describes the runtime as built, not the host it runs on. Every property but
 * the two versions may be absent, and absent ({@code null}) is not the same as empty: an empty
 * {@code mountOptions} says "none", a null one says "not telling". Nulls are omitted on writing
 * and empty lists are kept.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Features(
        String ociVersionMin,
        String ociVersionMax,
        List<String> hooks,
        List<String> mountOptions,
        LinuxFeatures linux,
        Map<String, String> annotations,
        List<String> potentiallyUnsafeConfigAnnotations) {

    /** The {@code linux} object: what the runtime supports on the Linux platform. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LinuxFeatures(
            List<String> namespaces,
            List<String> capabilities,
            Cgroup cgroup,
            Seccomp seccomp,
            Apparmor apparmor,
            Selinux selinux,
            IntelRdt intelRdt,
            MemoryPolicy memoryPolicy,
            MountExtensions mountExtensions,
            NetDevices netDevices) {}

    /** Which cgroup managers the runtime implements, whatever the host has. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cgroup(Boolean v1, Boolean v2, Boolean systemd, Boolean systemdUser, Boolean rdma) {}

    /**
     * Seccomp support. {@code knownFlags} are the flags the runtime recognises,
     * {@code supportedFlags} the subset this kernel and build can apply.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Seccomp(
            Boolean enabled,
            List<String> actions,
            List<String> operators,
            List<String> archs,
            List<String> knownFlags,
            List<String> supportedFlags) {}

    /** Whether the runtime applies {@code process.apparmorProfile}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Apparmor(Boolean enabled) {}

    /** Whether the runtime applies SELinux labels. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Selinux(Boolean enabled) {}

    /** Intel RDT support, and for which of {@code linux.intelRdt}'s fields. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IntelRdt(Boolean enabled, Boolean schemata, Boolean monitoring) {}

    /** The {@code set_mempolicy(2)} modes and flags the runtime recognises. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryPolicy(List<String> modes, List<String> flags) {}

    /** Mount features beyond {@code mount(2)}'s options. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MountExtensions(IdMap idmap) {}

    /** Whether mounts' {@code uidMappings}/{@code gidMappings} (idmapped mounts) are honoured. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IdMap(Boolean enabled) {}

    /** Whether {@code linux.netDevices} can be moved into the container. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetDevices(Boolean enabled) {}
}
