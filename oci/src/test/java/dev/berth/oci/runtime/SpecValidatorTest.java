package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.TestSpecs.REMOVE;
import static dev.berth.oci.runtime.TestSpecs.edit;
import static dev.berth.oci.runtime.TestSpecs.tree;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rule of {@link SpecValidator} with a case that breaks it, each asserting the exact
 * message. Cases are {@code runc spec}'s config with a few fields changed by JSON pointer; its
 * namespaces are pid, network, ipc, uts, mount (indexes 0 to 4) and its hostname is "runc".
 */
class SpecValidatorTest {
    @TempDir
    Path bundle;

    @BeforeEach
    void makeBundle() throws Exception {
        Files.createDirectory(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("afile"), "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc-spec.json", "config-md-example.json", "every-field.json"})
    void acceptsTheReferenceConfigs(String name) throws Exception {
        Spec spec = OciJson.readSpec(TestSpecs.resource(name));

        assertThatCode(() -> SpecValidator.validate(spec, bundle)).doesNotThrowAnyException();
    }

    @Test
    void acceptsAnAbsoluteRootPath() throws Exception {
        Spec spec = TestSpecs.spec(edit(tree("runc-spec.json"), "/root/path", quoted(bundle.resolve("rootfs"))));

        assertThatCode(() -> SpecValidator.validate(spec, Path.of("/nonexistent"))).doesNotThrowAnyException();
    }

    static Stream<Arguments> acceptedEdgeCases() {
        return Stream.of(
                // Deprecated but allowed on Linux, read as relative to "/" (runc accepts it too).
                cases("relative mount destination", "/mounts/0/destination", "\"proc\""),
                cases("fifo device without numbers", "/linux/devices", "[{\"type\": \"p\", \"path\": \"/dev/fifo\"}]"),
                cases("joined user namespace without mappings",
                        "/linux/namespaces/-", "{\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}"),
                cases("net sysctl in a new network namespace", "/linux/sysctl", "{\"net.core.somaxconn\": \"256\"}"),
                cases("kernel.domainname with a uts namespace", "/linux/sysctl", "{\"kernel.domainname\": \"x\"}"),
                cases("rlimit at RLIM_INFINITY", "/process/rlimits/0",
                        "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 18446744073709551615}"),
                cases("pids limit -1", "/linux/resources/pids", "{\"limit\": -1}"),
                cases("pre-release version", "/ociVersion", "\"1.3.0-rc.1+dev\""),
                cases("idmap mount in a user namespace", "/linux/namespaces/-", "{\"type\": \"user\"}",
                        "/linux/uidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]",
                        "/linux/gidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]",
                        "/mounts/-", "{\"destination\": \"/d\", \"source\": \"/s\", \"options\": [\"bind\", \"idmap\"]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedEdgeCases")
    void acceptsEdgeCases(String name, String[] edits) throws Exception {
        Spec spec = TestSpecs.spec(edit(tree("runc-spec.json"), edits));

        assertThatCode(() -> SpecValidator.validate(spec, bundle)).doesNotThrowAnyException();
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                // ociVersion
                fails("ociVersion: must be set", "/ociVersion", REMOVE),
                fails("ociVersion: \"1.0\" is not a semantic version", "/ociVersion", "\"1.0\""),
                fails("ociVersion: unsupported version \"2.0.0\" (want 1.x)", "/ociVersion", "\"2.0.0\""),
                // root
                fails("root: must be set", "/root", REMOVE),
                fails("root.path: must be set", "/root/path", "\"\""),
                fails("root.path: ${bundle}/nope does not exist", "/root/path", "\"nope\""),
                fails("root.path: ${bundle}/afile is not a directory", "/root/path", "\"afile\""),
                // process
                fails("process: must be set", "/process", REMOVE),
                fails("process.args: must not be empty", "/process/args", "[]"),
                fails("process.args: must not be empty", "/process/args", REMOVE),
                fails("process.args[0]: must not be empty", "/process/args", "[\"\"]"),
                fails("process.cwd: must be set", "/process/cwd", REMOVE),
                fails("process.cwd: must be absolute", "/process/cwd", "\"tmp\""),
                fails("process.env[2]: \"FOO\" is not of the form KEY=VALUE", "/process/env/-", "\"FOO\""),
                fails("process.env[2]: \"=x\" has an empty name", "/process/env/-", "\"=x\""),
                fails("process.env[2]: must not contain a NUL byte", "/process/env/-", "\"A=\\u0000b\""),
                fails("process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"", "/process/rlimits/0/type", "\"RLIMIT_FOO\""),
                fails("process.rlimits[0].type: must be set", "/process/rlimits/0/type", REMOVE),
                fails("process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"",
                        "/process/rlimits/-", "{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, \"soft\": 1}"),
                fails("process.rlimits[0]: soft limit 2048 exceeds hard limit 1024", "/process/rlimits/0/soft", "2048"),
                fails("process.rlimits[0]: soft limit 18446744073709551615 exceeds hard limit 1024",
                        "/process/rlimits/0/soft", "18446744073709551615"),
                fails("process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"",
                        "/process/capabilities/bounding/-", "\"CAP_FOO\""),
                fails("process.capabilities.ambient[0]: unknown capability \"cap_kill\"",
                        "/process/capabilities/ambient/0", "\"cap_kill\""),
                fails("process.user.uid: 4294967295 is out of range (0..4294967294)", "/process/user/uid", "4294967295"),
                fails("process.user.gid: -1 is out of range (0..4294967294)", "/process/user/gid", "-1"),
                fails("process.user.additionalGids[0]: -1 is out of range (0..4294967294)",
                        "/process/user/additionalGids", "[-1]"),
                fails("process.user.umask: 512 is out of range (0..511)", "/process/user/umask", "512"),
                fails("process.oomScoreAdj: 1001 is out of range (-1000..1000)", "/process/oomScoreAdj", "1001"),
                fails("process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\"",
                        "/process/ioPriority", "{\"class\": \"IOPRIO_CLASS_X\", \"priority\": 1}"),
                fails("process.ioPriority.class: must be set", "/process/ioPriority", "{\"priority\": 1}"),
                fails("process.ioPriority.priority: 8 is out of range (0..7)",
                        "/process/ioPriority", "{\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 8}"),
                fails("process.scheduler.policy: unknown policy \"SCHED_FOO\"", "/process/scheduler", "{\"policy\": \"SCHED_FOO\"}"),
                fails("process.scheduler.policy: must be set", "/process/scheduler", "{\"nice\": 1}"),
                fails("process.scheduler.nice: 20 is out of range (-20..19)",
                        "/process/scheduler", "{\"policy\": \"SCHED_OTHER\", \"nice\": 20}"),
                fails("process.scheduler.priority: only applies to SCHED_FIFO and SCHED_RR, not SCHED_OTHER",
                        "/process/scheduler", "{\"policy\": \"SCHED_OTHER\", \"priority\": 5}"),
                fails("process.scheduler: runtime, deadline and period only apply to SCHED_DEADLINE, not SCHED_FIFO",
                        "/process/scheduler", "{\"policy\": \"SCHED_FIFO\", \"priority\": 5, \"runtime\": 5}"),
                fails("process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_X\"",
                        "/process/scheduler", "{\"policy\": \"SCHED_BATCH\", \"flags\": [\"SCHED_FLAG_X\"]}"),
                fails("process.execCPUAffinity.final: \"a-b\" is not a list of CPUs such as 0-3,7",
                        "/process/execCPUAffinity", "{\"initial\": \"0\", \"final\": \"a-b\"}"),
                // mounts
                fails("mounts[0].destination: must be set", "/mounts/0/destination", "\"\""),
                fails("mounts[3].destination: must not contain \"..\"", "/mounts/3/destination", "\"/dev/../../etc\""),
                fails("mounts[7].source: must be set for a bind mount",
                        "/mounts/-", "{\"destination\": \"/data\", \"type\": \"none\", \"options\": [\"rbind\"]}"),
                fails("mounts[7].options: \"idmap\" needs uidMappings and gidMappings, or a user namespace",
                        "/mounts/-", "{\"destination\": \"/d\", \"source\": \"/s\", \"options\": [\"bind\", \"idmap\"]}"),
                fails("mounts[7].options: \"ridmap\" needs uidMappings and gidMappings, or a user namespace",
                        "/mounts/-", "{\"destination\": \"/d\", \"source\": \"/s\", \"options\": [\"rbind\", \"ridmap\"]}"),
                fails("mounts[7].gidMappings: must be set together with uidMappings",
                        "/mounts/-", "{\"destination\": \"/d\", \"source\": \"/s\", \"options\": [\"bind\", \"idmap\"], "
                                + "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}"),
                fails("mounts[7].uidMappings[0].size: must be greater than zero",
                        "/mounts/-", "{\"destination\": \"/d\", \"source\": \"/s\", \"options\": [\"bind\", \"idmap\"], "
                                + "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 0}], "
                                + "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}"),
                // hooks
                fails("hooks.prestart[0].path: must be absolute", "/hooks", "{\"prestart\": [{\"path\": \"fix-mounts\"}]}"),
                fails("hooks.poststop[0].path: must be set", "/hooks", "{\"poststop\": [{\"args\": [\"x\"]}]}"),
                fails("hooks.poststart[1].timeout: must be greater than zero",
                        "/hooks", "{\"poststart\": [{\"path\": \"/a\"}, {\"path\": \"/b\", \"timeout\": 0}]}"),
                fails("hooks.createRuntime[0].env[0]: \"A\" is not of the form KEY=VALUE",
                        "/hooks", "{\"createRuntime\": [{\"path\": \"/a\", \"env\": [\"A\"]}]}"),
                // uts, annotations
                fails("hostname: requires a uts namespace", "/linux/namespaces/3", REMOVE),
                fails("domainname: requires a uts namespace",
                        "/linux/namespaces/3", REMOVE, "/hostname", REMOVE, "/domainname", "\"example.org\""),
                fails("annotations: keys must not be empty", "/annotations", "{\"\": \"x\"}"),
                // namespaces
                fails("linux.namespaces[2].type: unknown namespace type \"foo\"", "/linux/namespaces/2/type", "\"foo\""),
                fails("linux.namespaces[5].type: must be set", "/linux/namespaces/-", "{}"),
                fails("linux.namespaces[5].type: duplicate namespace \"pid\"", "/linux/namespaces/-", "{\"type\": \"pid\"}"),
                fails("linux.namespaces[5].path: must be absolute",
                        "/linux/namespaces/-", "{\"type\": \"user\", \"path\": \"proc/1/ns/user\"}"),
                // user namespace mappings
                fails("linux.uidMappings: requires a user namespace",
                        "/linux/uidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"),
                fails("linux.uidMappings: must be set when creating a user namespace",
                        "/linux/namespaces/-", "{\"type\": \"user\"}"),
                fails("linux.gidMappings: must be set when creating a user namespace",
                        "/linux/namespaces/-", "{\"type\": \"user\"}",
                        "/linux/uidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"),
                fails("linux.uidMappings[1]: overlaps linux.uidMappings[0]",
                        "/linux/namespaces/-", "{\"type\": \"user\"}",
                        "/linux/uidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 10},"
                                + " {\"containerID\": 5, \"hostID\": 2000, \"size\": 10}]"),
                fails("linux.uidMappings[0].size: 2 ids do not fit in 32 bits",
                        "/linux/namespaces/-", "{\"type\": \"user\"}",
                        "/linux/uidMappings", "[{\"containerID\": 4294967295, \"hostID\": 1000, \"size\": 2}]"),
                fails("linux.uidMappings[0].hostID: 4294967296 is out of range (0..4294967295)",
                        "/linux/namespaces/-", "{\"type\": \"user\"}",
                        "/linux/uidMappings", "[{\"containerID\": 0, \"hostID\": 4294967296, \"size\": 1}]"),
                // time namespace
                fails("linux.timeOffsets: requires a time namespace",
                        "/linux/timeOffsets", "{\"monotonic\": {\"secs\": 1}}"),
                fails("linux.timeOffsets: cannot be set when joining a time namespace",
                        "/linux/namespaces/-", "{\"type\": \"time\", \"path\": \"/proc/1/ns/time\"}",
                        "/linux/timeOffsets", "{\"monotonic\": {\"secs\": 1}}"),
                fails("linux.timeOffsets[\"realtime\"]: unknown clock (want monotonic or boottime)",
                        "/linux/namespaces/-", "{\"type\": \"time\"}", "/linux/timeOffsets", "{\"realtime\": {\"secs\": 1}}"),
                fails("linux.timeOffsets[\"boottime\"].nanosecs: 1000000000 is out of range (0..999999999)",
                        "/linux/namespaces/-", "{\"type\": \"time\"}",
                        "/linux/timeOffsets", "{\"boottime\": {\"secs\": 1, \"nanosecs\": 1000000000}}"),
                // devices
                fails("linux.devices[0].type: must be set", "/linux/devices", "[{\"path\": \"/dev/x\"}]"),
                fails("linux.devices[0].type: unknown device type \"x\" (want c, b, u or p)",
                        "/linux/devices", "[{\"type\": \"x\", \"path\": \"/dev/x\", \"major\": 1, \"minor\": 1}]"),
                fails("linux.devices[0].path: must be set", "/linux/devices", "[{\"type\": \"p\"}]"),
                fails("linux.devices[0].path: must be absolute",
                        "/linux/devices", "[{\"type\": \"c\", \"path\": \"dev/x\", \"major\": 1, \"minor\": 3}]"),
                fails("linux.devices[0].major: must be set for a \"c\" device",
                        "/linux/devices", "[{\"type\": \"c\", \"path\": \"/dev/null\", \"minor\": 3}]"),
                fails("linux.devices[0].minor: must be set for a \"b\" device",
                        "/linux/devices", "[{\"type\": \"b\", \"path\": \"/dev/sda\", \"major\": 8}]"),
                // sysctl
                fails("linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace",
                        "/linux/namespaces/1", REMOVE, "/linux/sysctl", "{\"net.ipv4.ip_forward\": \"1\"}"),
                fails("linux.sysctl[\"net/ipv4/ip_forward\"]: requires a network namespace",
                        "/linux/namespaces/1", REMOVE, "/linux/sysctl", "{\"net/ipv4/ip_forward\": \"1\"}"),
                fails("linux.sysctl[\"net.ipv4.ip_forward\"]: not allowed in the host's network namespace",
                        "/linux/namespaces/1", "{\"type\": \"network\", \"path\": \"/proc/self/ns/net\"}",
                        "/linux/sysctl", "{\"net.ipv4.ip_forward\": \"1\"}"),
                fails("linux.sysctl[\"kernel.shmmax\"]: requires an ipc namespace",
                        "/linux/namespaces/2", REMOVE, "/linux/sysctl", "{\"kernel.shmmax\": \"4096\"}"),
                fails("linux.sysctl[\"fs.mqueue.msg_max\"]: requires an ipc namespace",
                        "/linux/namespaces/2", REMOVE, "/linux/sysctl", "{\"fs.mqueue.msg_max\": \"20\"}"),
                fails("linux.sysctl[\"kernel.domainname\"]: requires a uts namespace",
                        "/linux/namespaces/3", REMOVE, "/hostname", REMOVE, "/linux/sysctl", "{\"kernel.domainname\": \"x\"}"),
                fails("linux.sysctl[\"kernel.hostname\"]: conflicts with the hostname field",
                        "/linux/sysctl", "{\"kernel.hostname\": \"other\"}"),
                fails("linux.sysctl[\"vm.swappiness\"]: not namespaced; setting it would change the host",
                        "/linux/sysctl", "{\"vm.swappiness\": \"10\"}"),
                // paths, propagation, personality
                fails("linux.rootfsPropagation: unknown propagation \"foo\"", "/linux/rootfsPropagation", "\"foo\""),
                fails("linux.maskedPaths[10]: must be absolute", "/linux/maskedPaths/-", "\"proc/kcore\""),
                fails("linux.readonlyPaths[5]: must be absolute", "/linux/readonlyPaths/-", "\"x\""),
                fails("linux.personality.domain: unknown domain \"BSD\" (want LINUX or LINUX32)",
                        "/linux/personality", "{\"domain\": \"BSD\"}"),
                fails("linux.personality.domain: must be set", "/linux/personality", "{}"),
                fails("linux.personality.flags: no flags are supported",
                        "/linux/personality", "{\"domain\": \"LINUX\", \"flags\": [\"ADDR_NO_RANDOMIZE\"]}"),
                // resources
                fails("linux.resources.devices[0].type: unknown type \"x\" (want a, c or b)",
                        "/linux/resources/devices/0/type", "\"x\""),
                fails("linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m",
                        "/linux/resources/devices/0/access", "\"rwx\""),
                fails("linux.resources.memory.limit: must be -1 (unlimited) or more, got -2",
                        "/linux/resources/memory", "{\"limit\": -2}"),
                fails("linux.resources.memory.kernelTCP: must be -1 (unlimited) or more, got -3",
                        "/linux/resources/memory", "{\"kernelTCP\": -3}"),
                fails("linux.resources.memory.swap: 100 is less than the memory limit 200 (swap counts memory plus swap)",
                        "/linux/resources/memory", "{\"limit\": 200, \"swap\": 100}"),
                fails("linux.resources.memory.swappiness: 101 is out of range (0..100)",
                        "/linux/resources/memory", "{\"swappiness\": 101}"),
                fails("linux.resources.cpu.burst: 2000 is greater than the quota 1000",
                        "/linux/resources/cpu", "{\"quota\": 1000, \"burst\": 2000}"),
                fails("linux.resources.cpu.cpus: \"1-\" is not a list such as 0-3,7", "/linux/resources/cpu", "{\"cpus\": \"1-\"}"),
                fails("linux.resources.cpu.mems: \"0;1\" is not a list such as 0-3,7", "/linux/resources/cpu", "{\"mems\": \"0;1\"}"),
                fails("linux.resources.cpu.idle: 2 is out of range (0..1)", "/linux/resources/cpu", "{\"idle\": 2}"),
                fails("linux.resources.pids.limit: must be -1 (unlimited) or more, got -2",
                        "/linux/resources/pids", "{\"limit\": -2}"),
                fails("linux.resources.blockIO.weightDevice[0]: must set weight or leafWeight",
                        "/linux/resources/blockIO", "{\"weightDevice\": [{\"major\": 8, \"minor\": 0}]}"),
                fails("linux.resources.hugepageLimits[0].pageSize: \"2M\" is not a page size such as 2MB",
                        "/linux/resources/hugepageLimits", "[{\"pageSize\": \"2M\", \"limit\": 1}]"),
                fails("linux.resources.rdma[\"mlx5_1\"]: must set hcaHandles or hcaObjects",
                        "/linux/resources/rdma", "{\"mlx5_1\": {}}"),
                fails("linux.resources.unified[\"../cgroup.procs\"]: must be a cgroup file name such as memory.max",
                        "/linux/resources/unified", "{\"../cgroup.procs\": \"1\"}"),
                // seccomp
                fails("linux.seccomp.defaultAction: must be set", "/linux/seccomp", "{}"),
                fails("linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_FOO\"}"),
                fails("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/s\"}"),
                fails("linux.seccomp.defaultErrnoRet: not allowed with SCMP_ACT_ALLOW",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}"),
                fails("linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\"",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", "
                                + "\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_FOO\"]}"),
                fails("linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_X\"",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_X\"]}"),
                fails("linux.seccomp.listenerMetadata: requires listenerPath",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"x\"}"),
                fails("linux.seccomp.syscalls[0].names: must not be empty", "/linux/seccomp", seccomp("[]", "SCMP_ACT_ERRNO", "")),
                fails("linux.seccomp.syscalls[0].names[1]: must not be empty",
                        "/linux/seccomp", seccomp("[\"read\", \"\"]", "SCMP_ACT_ERRNO", "")),
                fails("linux.seccomp.syscalls[0].action: must be set",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}"),
                fails("linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_X\"",
                        "/linux/seccomp", seccomp("[\"read\"]", "SCMP_ACT_X", "")),
                fails("linux.seccomp.syscalls[0].errnoRet: not allowed with SCMP_ACT_KILL",
                        "/linux/seccomp", seccomp("[\"read\"]", "SCMP_ACT_KILL", ", \"errnoRet\": 1")),
                fails("linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath",
                        "/linux/seccomp", seccomp("[\"mknod\"]", "SCMP_ACT_NOTIFY", "")),
                fails("linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY cannot be used for write",
                        "/linux/seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/s\", "
                                + "\"syscalls\": [{\"names\": [\"write\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"),
                fails("linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0..5)", "/linux/seccomp",
                        seccomp("[\"read\"]", "SCMP_ACT_ERRNO", ", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]")),
                fails("linux.seccomp.syscalls[0].args[1].op: unknown operator \"SCMP_CMP_FOO\"", "/linux/seccomp",
                        seccomp("[\"read\"]", "SCMP_ACT_ERRNO", ", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},"
                                + " {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_FOO\"}]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void rejectsWithAMessageNamingTheField(String message, String[] edits) throws Exception {
        Spec spec = TestSpecs.spec(edit(tree("runc-spec.json"), edits));

        assertThatThrownBy(() -> SpecValidator.validate(spec, bundle))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage(message.replace("${bundle}", bundle.toString()));
    }

    @Test
    void splitsTheMessageIntoFieldAndReason() throws Exception {
        Spec spec = TestSpecs.spec(edit(tree("runc-spec.json"), "/linux/namespaces/2/type", "\"foo\""));

        assertThatThrownBy(() -> SpecValidator.validate(spec, bundle))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.field()).isEqualTo("linux.namespaces[2].type");
                    org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo("unknown namespace type \"foo\"");
                });
    }

    private static Arguments fails(String message, String... edits) {
        return Arguments.of(message, edits);
    }

    private static Arguments cases(String name, String... edits) {
        return Arguments.of(name, edits);
    }

    /** A seccomp object with one rule; {@code extra} is appended inside the rule. */
    private static String seccomp(String names, String action, String extra) {
        return "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": " + names
                + ", \"action\": \"" + action + "\"" + extra + "}]}";
    }

    private static String quoted(Path p) {
        return "\"" + p + "\"";
    }

}
