package dev.berth.oci.runtime;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime configuration ({@code config.json}) of a bundle, as the runtime spec's
 * {@code config.md} defines it. Component names are the JSON field names, so the record reads
 * like the specification; optional fields are {@code null} when absent. Only the Linux platform
 * is modelled. A {@code Spec} as parsed is unchecked: {@link SpecValidator} says whether it can
 * be run, and the runtime never acts on a spec that has not passed it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Spec(
        String ociVersion,
        Root root,
        List<Mount> mounts,
        Process process,
        String hostname,
        String domainname,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux) {

    /** The container's root filesystem; {@code path} is relative to the bundle or absolute. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    // isReadonly() is a helper, not a getter: Jackson would otherwise take it for a second
    // "readonly" accessor and write false where the field is absent.
    @JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
    public record Root(String path, Boolean readonly) {
        public boolean isReadonly() {
            return Boolean.TRUE.equals(readonly);
        }

        /** The rootfs on the host: {@code path} itself if absolute, else under {@code bundle}. */
        public Path resolveIn(Path bundle) {
            return bundle.resolve(path);
        }
    }

    /** One entry of {@code mounts}, applied in order after the root is prepared. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mount(
            String destination,
            String type,
            String source,
            List<String> options,
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings) {
        public List<String> optionsOrEmpty() {
            return options == null ? List.of() : options;
        }

        /**
         * The destination as an absolute container path. The spec deprecates relative
         * destinations but says to read them as relative to {@code /}, as runc does.
         */
        public String absoluteDestination() {
            return destination.startsWith("/") ? destination : "/" + destination;
        }
    }

    /** A uid or gid range mapping, for user namespaces and idmapped mounts. */
    public record IdMapping(long containerID, long hostID, long size) {}

    /** The process to run as the container's init (and the shape of {@code exec}'s process). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE) // see Root
    public record Process(
            Boolean terminal,
            ConsoleSize consoleSize,
            String cwd,
            List<String> env,
            List<String> args,
            String commandLine,
            List<Rlimit> rlimits,
            String apparmorProfile,
            Capabilities capabilities,
            Boolean noNewPrivileges,
            Integer oomScoreAdj,
            String selinuxLabel,
            User user,
            Scheduler scheduler,
            IoPriority ioPriority,
            ExecCPUAffinity execCPUAffinity) {
        public boolean isTerminal() {
            return Boolean.TRUE.equals(terminal);
        }

        public boolean isNoNewPrivileges() {
            return Boolean.TRUE.equals(noNewPrivileges);
        }

        public List<String> envOrEmpty() {
            return env == null ? List.of() : env;
        }
    }

    /**
     * CPUs for {@code exec}'d processes: {@code initial} while the runtime still runs outside
     * the container's cgroup, {@code final} once inside; both are cpuset lists such as
     * {@code 0-3,7}. ({@code final} is a Java keyword, hence the component name.)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExecCPUAffinity(String initial, @JsonProperty("final") String finalCpus) {}

    /** The terminal size in characters. */
    public record ConsoleSize(int height, int width) {}

    /**
     * POSIX rlimit, named as {@code RLIMIT_NOFILE} etc. {@code hard} and {@code soft} are
     * unsigned 64-bit values held in a {@code long}'s bits: {@code RLIM_INFINITY} (2^64-1) reads
     * as {@code -1L}. Compare them with {@link Long#compareUnsigned}.
     */
    public record Rlimit(
            String type,
            @JsonDeserialize(using = UnsignedLongJson.Deserializer.class)
            @JsonSerialize(using = UnsignedLongJson.Serializer.class) long hard,
            @JsonDeserialize(using = UnsignedLongJson.Deserializer.class)
            @JsonSerialize(using = UnsignedLongJson.Serializer.class) long soft) {}

    /** The five Linux capability sets, each a list of names such as {@code CAP_CHOWN}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {}

    /** The user the process runs as, in the container's user namespace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record User(long uid, long gid, Integer umask, List<Long> additionalGids, String username) {}

    /** Scheduling attributes ({@code sched_setattr(2)}); recorded, not applied yet. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Scheduler(
            String policy, Integer nice, Integer priority, List<String> flags,
            Long runtime, Long deadline, Long period) {}

    /**
     * I/O priority ({@code ioprio_set(2)}); recorded, not applied yet. The JSON field is
     * {@code class}, a Java keyword, hence {@code ioClass}.
     */
    public record IoPriority(@JsonProperty("class") String ioClass, int priority) {}

    /** Lifecycle hooks; each list runs in order. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hooks(
            List<Hook> prestart,
            List<Hook> createRuntime,
            List<Hook> createContainer,
            List<Hook> startContainer,
            List<Hook> poststart,
            List<Hook> poststop) {}

    /** One hook: an absolute path, its argv and environment, and a timeout in seconds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {}
}
