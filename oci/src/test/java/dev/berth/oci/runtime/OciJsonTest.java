package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.TestSpecs.REMOVE;
import static dev.berth.oci.runtime.TestSpecs.edit;
import static dev.berth.oci.runtime.TestSpecs.resource;
import static dev.berth.oci.runtime.TestSpecs.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OciJsonTest {

    @Test
    void readsWhatRuncSpecWrites() throws Exception {
        Spec spec = OciJson.readSpec(resource("runc-spec.json"));

        assertThat(spec.ociVersion()).isEqualTo("1.0.2-dev");
        assertThat(spec.root()).isEqualTo(new Spec.Root("rootfs", true));
        assertThat(spec.process().isTerminal()).isTrue();
        assertThat(spec.process().args()).containsExactly("sh");
        assertThat(spec.process().user()).isEqualTo(new Spec.User(0, 0, null, null, null));
        assertThat(spec.process().rlimits()).containsExactly(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 1024));
        assertThat(spec.process().capabilities().inheritable()).isNull();
        assertThat(spec.mounts()).hasSize(7);
        assertThat(spec.mounts().get(2).options()).contains("newinstance", "ptmxmode=0666");
        assertThat(spec.linux().namespaces()).extracting(Linux.Namespace::type)
                .containsExactly("pid", "network", "ipc", "uts", "mount");
        assertThat(spec.linux().resources().devices())
                .containsExactly(new Linux.DeviceRule(false, null, null, null, "rwm"));
        assertThat(spec.linux().maskedPaths()).contains("/proc/kcore");
    }

    @Test
    void readsTheFullExampleOfConfigMd() throws Exception {
        Spec spec = OciJson.readSpec(resource("config-md-example.json"));

        assertThat(spec.process().ioPriority()).isEqualTo(new Spec.IoPriority("IOPRIO_CLASS_IDLE", 4));
        assertThat(spec.process().user().additionalGids()).containsExactly(5L, 6L);
        assertThat(spec.hooks().poststart().getFirst().timeout()).isEqualTo(5);
        Linux linux = spec.linux();
        assertThat(linux.devices().getFirst())
                .isEqualTo(new Linux.Device("c", "/dev/fuse", 10L, 229L, 438, 0L, 0L));
        assertThat(linux.uidMappings()).containsExactly(new Spec.IdMapping(0, 1000, 32000));
        assertThat(linux.sysctl()).containsEntry("net.core.somaxconn", "256");
        assertThat(linux.resources().hugepageLimits().getFirst().limit()).isEqualTo(9223372036854772000L);
        assertThat(linux.resources().memory().kernelTCP()).isEqualTo(-1L);
        assertThat(linux.resources().memory().disableOOMKiller()).isFalse();
        assertThat(linux.resources().blockIO().throttleWriteIOPSDevice())
                .containsExactly(new Linux.ThrottleDevice(8, 16, 300));
        assertThat(linux.resources().network().classID()).isEqualTo(1048577L);
        assertThat(linux.timeOffsets().get("boottime")).isEqualTo(new Linux.TimeOffset(604800, 0));
        assertThat(linux.seccomp().syscalls().getFirst().names()).containsExactly("getcwd", "chmod");
        assertThat(linux.rootfsPropagation()).isEqualTo("slave");
        assertThat(spec.annotations()).containsEntry("com.example.key2", "value2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc-spec.json", "config-md-example.json", "every-field.json"})
    void writesBackExactlyWhatItRead(String name) throws Exception {
        JsonNode original = TestSpecs.PLAIN.readTree(resource(name));

        byte[] written = OciJson.write(OciJson.readSpec(resource(name)));

        assertThat(TestSpecs.PLAIN.readTree(written)).isEqualTo(original);
    }

    @Test
    void mapsFieldsWhoseNamesAreJavaKeywords() throws Exception {
        Spec spec = OciJson.readSpec(resource("every-field.json"));

        assertThat(spec.process().ioPriority().ioClass()).isEqualTo("IOPRIO_CLASS_IDLE");
        assertThat(spec.process().execCPUAffinity()).isEqualTo(new Spec.ExecCPUAffinity("7", "0-3,7"));
        String json = new String(OciJson.write(spec.process()), StandardCharsets.UTF_8);
        assertThat(json).contains("\"class\":\"IOPRIO_CLASS_IDLE\"", "\"final\":\"0-3,7\"")
                .doesNotContain("ioClass", "finalCpus");
    }

    @Test
    void ignoresUnknownPropertiesAtEveryLevel() throws Exception {
        ObjectNode withExtras = edit(tree("every-field.json"),
                "/windows", "{\"layerFolders\": []}",
                "/x-vendor", "42",
                "/process/futureField", "[1, 2]",
                "/process/user/sid", "\"S-1-5\"",
                "/linux/intelRdt", "{\"closID\": \"guaranteed_group\"}",
                "/linux/netDevices", "{\"eth0\": {\"name\": \"container_eth0\"}}",
                "/linux/memoryPolicy", "{\"mode\": \"MPOL_BIND\", \"nodes\": \"0\"}",
                "/linux/seccomp/syscalls/0/comment", "\"from docker\"",
                "/mounts/0/future", "{\"deep\": {\"er\": true}}");

        Spec spec = TestSpecs.spec(withExtras);

        assertThat(spec).isEqualTo(OciJson.readSpec(resource("every-field.json")));
    }

    @Test
    void seccompValuesUseTheWholeUnsignedRange() throws Exception {
        Spec spec = OciJson.readSpec(resource("every-field.json"));
        Linux.SeccompArg arg = spec.linux().seccomp().syscalls().get(2).args().getFirst();

        assertThat(arg.value()).isEqualTo(-1L); // 2^64-1 in a long's bits
        assertThat(Long.toUnsignedString(arg.value())).isEqualTo("18446744073709551615");
        assertThat(arg.valueTwo()).isEqualTo(2114060288L);
        String json = new String(OciJson.write(arg), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(
                "{\"index\":0,\"value\":18446744073709551615,\"valueTwo\":2114060288,\"op\":\"SCMP_CMP_MASKED_EQ\"}");
    }

    @Test
    void anAbsentValueTwoIsZero() throws Exception {
        Spec spec = TestSpecs.spec(edit(tree("every-field.json"),
                "/linux/seccomp/syscalls/1/args/0/valueTwo", REMOVE));

        assertThat(spec.linux().seccomp().syscalls().get(1).args().getFirst().valueTwo()).isZero();
    }

    @Test
    void rlimitsAcceptRlimInfinity() throws Exception {
        Spec spec = OciJson.readSpec(resource("every-field.json"));

        Spec.Rlimit memlock = spec.process().rlimits().get(1);
        assertThat(memlock.hard()).isEqualTo(-1L);
        assertThat(new String(OciJson.write(memlock), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"RLIMIT_MEMLOCK\",\"hard\":18446744073709551615,\"soft\":18446744073709551615}");
    }

    @Test
    void omitsAbsentFieldsWhenWriting() {
        Spec spec = new Spec("1.2.0", new Spec.Root("rootfs", null), null,
                new Spec.Process(null, null, "/", null, List.of("sh"), null, null, null, null, null,
                        null, null, new Spec.User(0, 0, null, null, null), null, null, null),
                null, null, null, null, null);

        assertThat(new String(OciJson.write(spec), StandardCharsets.UTF_8)).isEqualTo(
                "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                        + "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}}}");
    }

    @Test
    void keepsEmptyListsAndMaps() {
        Spec spec = new Spec("1.2.0", null, List.of(), null, null, null, null, Map.of(), null);

        assertThat(new String(OciJson.write(spec), StandardCharsets.UTF_8))
                .isEqualTo("{\"ociVersion\":\"1.2.0\",\"mounts\":[],\"annotations\":{}}");
    }

    @Test
    void writesPrettyJsonForPeople() throws Exception {
        String pretty = OciJson.writePretty(OciJson.readSpec(resource("runc-spec.json")));

        // Go's json.MarshalIndent layout, as runc prints: no space before the colon, one
        // array element per line.
        assertThat(pretty).startsWith("{\n  \"ociVersion\": \"1.0.2-dev\",\n").endsWith("\n}");
        assertThat(pretty).contains("\"args\": [\n      \"sh\"\n    ],");
        assertThat(OciJson.writePretty(new Spec("1.2.0", null, List.of(), null, null, null, null, Map.of(), null)))
                .isEqualTo("{\n  \"ociVersion\": \"1.2.0\",\n  \"mounts\": [],\n  \"annotations\": {}\n}");
        assertThat(OciJson.readSpec(pretty.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(OciJson.readSpec(resource("runc-spec.json")));
    }

    @Test
    void readsFromAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("config.json");
        Files.write(good, resource("runc-spec.json"));
        Path bad = dir.resolve("other.json");
        Files.writeString(bad, "{\"ociVersion\": 1}");

        assertThat(OciJson.readSpec(good).hostname()).isEqualTo("runc");
        assertThatThrownBy(() -> OciJson.readSpec(bad))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("other.json: ociVersion: expected a string, got 1");
    }

    @Test
    void theMapperCopyIsConfiguredLikeTheOriginal() throws Exception {
        Spec spec = OciJson.mapper().readValue(resource("runc-spec.json"), Spec.class);

        assertThat(spec).isEqualTo(OciJson.readSpec(resource("runc-spec.json")));
    }
}
