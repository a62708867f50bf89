package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.TestSpecs.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateAndFeaturesTest {

    @Test
    void readsTheStateExampleOfRuntimeMd() throws Exception {
        String json = """
                {
                    "ociVersion": "0.2.0",
                    "id": "oci-container1",
                    "status": "running",
                    "pid": 4422,
                    "bundle": "/containers/redis",
                    "annotations": {
                        "myKey": "myValue"
                    }
                }""";

        State state = OciJson.readState(json.getBytes(StandardCharsets.UTF_8));

        assertThat(state).isEqualTo(new State("0.2.0", "oci-container1", State.Status.RUNNING, 4422,
                "/containers/redis", Map.of("myKey", "myValue")));
    }

    @Test
    void writesStatusInLowerCaseAndOmitsAbsentAnnotations() {
        State state = new State("1.2.0", "c1", State.Status.STOPPED, 0, "/b", null);

        assertThat(new String(OciJson.write(state), StandardCharsets.UTF_8)).isEqualTo(
                "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"stopped\",\"pid\":0,\"bundle\":\"/b\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"creating", "created", "running", "stopped", "paused"})
    void roundTripsEveryStatus(String status) throws Exception {
        String json = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"" + status
                + "\",\"pid\":7,\"bundle\":\"/b\"}";

        State state = OciJson.readState(json.getBytes(StandardCharsets.UTF_8));

        assertThat(state.status().json()).isEqualTo(status);
        assertThat(new String(OciJson.write(state), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void readsWhatRuncFeaturesPrints() throws Exception {
        Features features = OciJson.readFeatures(resource("runc-features.json"));

        assertThat(features.ociVersionMin()).isEqualTo("1.0.0");
        assertThat(features.hooks()).contains("createRuntime", "poststop");
        assertThat(features.mountOptions()).contains("rbind", "tmpcopyup");
        Features.LinuxFeatures linux = features.linux();
        assertThat(linux.namespaces()).contains("cgroup", "user");
        assertThat(linux.capabilities()).contains("CAP_CHECKPOINT_RESTORE");
        assertThat(linux.cgroup()).isEqualTo(new Features.Cgroup(true, true, true, true, null));
        assertThat(linux.seccomp().enabled()).isTrue();
        assertThat(linux.seccomp().archs()).contains("SCMP_ARCH_X86_64");
        assertThat(linux.apparmor()).isEqualTo(new Features.Apparmor(true));
        assertThat(features.annotations()).containsKey("org.opencontainers.runc.version");
    }

    @Test
    void readsTheFeaturesExampleOfFeaturesMd() throws Exception {
        Features features = OciJson.readFeatures(resource("features-md-example.json"));

        assertThat(features.ociVersionMax()).isEqualTo("1.1.0-rc.2");
        assertThat(features.linux().cgroup().rdma()).isTrue();
        assertThat(features.linux().memoryPolicy().modes()).contains("MPOL_WEIGHTED_INTERLEAVE");
        assertThat(features.linux().intelRdt()).isEqualTo(new Features.IntelRdt(true, true, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc-features.json", "features-md-example.json"})
    void writesFeaturesBackExactly(String name) throws Exception {
        Features features = OciJson.readFeatures(resource(name));

        assertThat(TestSpecs.PLAIN.readTree(OciJson.write(features)))
                .isEqualTo(TestSpecs.PLAIN.readTree(resource(name)));
    }

    @Test
    void keepsEmptyFeatureListsApartFromAbsentOnes() throws Exception {
        String json = "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.2.0\",\"mountOptions\":[],"
                + "\"linux\":{\"seccomp\":{\"enabled\":false,\"knownFlags\":[]},"
                + "\"mountExtensions\":{\"idmap\":{\"enabled\":true}},\"netDevices\":{\"enabled\":false}}}";

        Features features = OciJson.readFeatures(json.getBytes(StandardCharsets.UTF_8));

        assertThat(features.mountOptions()).isEmpty();
        assertThat(features.hooks()).isNull();
        assertThat(features.linux().mountExtensions().idmap().enabled()).isTrue();
        assertThat(new String(OciJson.write(features), StandardCharsets.UTF_8)).isEqualTo(json);
    }
}
