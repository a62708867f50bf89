package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CreateRequestTest {

    static CreateRequest parse(String json) {
        return CreateRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsDockerFieldNamesAndTheHostConfig() {
        CreateRequest r = parse("""
                {"Image":"busybox","Cmd":["echo","hi"],"Env":["A=1"],"Tty":true,"WorkingDir":"/w",
                 "Labels":{"l":"v"},"StopTimeout":5,"ExposedPorts":{"80/tcp":{}},
                 "HostConfig":{"Binds":["/a:/b:ro"],"Privileged":true,"CapAdd":["NET_ADMIN"],
                   "Memory":6291456,"NanoCpus":1500000000,"UTSMode":"host","PidsLimit":10,
                   "Ulimits":[{"Name":"nofile","Soft":10,"Hard":20}],
                   "Mounts":[{"Type":"tmpfs","Target":"/t","TmpfsOptions":{"SizeBytes":1024}}],
                   "RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3}}}
                """);
        assertThat(r.config().image()).isEqualTo("busybox");
        assertThat(r.config().cmd()).containsExactly("echo", "hi");
        assertThat(r.config().isTty()).isTrue();
        assertThat(r.config().stopTimeout()).isEqualTo(5);
        assertThat(r.config().exposedPorts()).containsKey("80/tcp");
        HostConfig hc = r.hostConfig();
        assertThat(hc.binds()).containsExactly("/a:/b:ro");
        assertThat(hc.isPrivileged()).isTrue();
        assertThat(hc.memory()).isEqualTo(6291456L);
        assertThat(hc.nanoCpus()).isEqualTo(1_500_000_000L);
        assertThat(hc.utsMode()).isEqualTo("host");
        assertThat(hc.ulimits()).containsExactly(new HostConfig.Ulimit("nofile", 10, 20));
        assertThat(hc.mounts().getFirst().tmpfsOptions().sizeBytes()).isEqualTo(1024L);
        assertThat(hc.restartPolicy().maximumRetryCount()).isEqualTo(3);
    }

    @Test
    void nullAndMissingListsAreAbsentButAnEmptyOneIsNot() {
        CreateRequest r = parse("{\"Image\":\"busybox\",\"Cmd\":null,\"Entrypoint\":[]}");
        assertThat(r.config().cmd()).isNull();
        assertThat(r.config().env()).isNull();
        assertThat(r.config().entrypoint()).isEmpty();
        assertThat(r.hostConfig()).isEqualTo(HostConfig.empty());
    }

    @Test
    void unknownFieldsAreIgnoredAndNamesMatchInAnyCaseAsInGo() {
        CreateRequest r = parse("{\"image\":\"busybox\",\"cmd\":[\"true\"],\"NoSuchField\":{\"x\":1},"
                + "\"hostconfig\":{\"readonlyrootfs\":true,\"Whatever\":[]}}");
        assertThat(r.config().image()).isEqualTo("busybox");
        assertThat(r.config().cmd()).containsExactly("true");
        assertThat(r.hostConfig().isReadonlyRootfs()).isTrue();
    }

    @Test
    void aBareStringIsAOneElementCommandAsGosStrSliceReadsIt() {
        CreateRequest r = parse("{\"Entrypoint\":\"/bin/sh\",\"Cmd\":\"ls\"}");
        assertThat(r.config().entrypoint()).isEqualTo(List.of("/bin/sh"));
        assertThat(r.config().cmd()).isEqualTo(List.of("ls"));
    }

    @Test
    void malformedBodiesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> parse("{\"Image\":"))
                .isInstanceOf(InvalidContainerConfigException.class).hasMessageStartingWith("invalid JSON: ");
        assertThatThrownBy(() -> parse("[1]"))
                .isInstanceOf(InvalidContainerConfigException.class).hasMessage("invalid JSON: expected an object");
        assertThatThrownBy(() -> parse("{\"HostConfig\":{\"Memory\":\"lots\"}}"))
                .isInstanceOf(InvalidContainerConfigException.class).hasMessageStartingWith("invalid JSON: HostConfig.Memory: ");
        assertThatThrownBy(() -> parse("{\"Env\":{\"A\":1}}"))
                .isInstanceOf(InvalidContainerConfigException.class).hasMessageStartingWith("invalid JSON: Env: ");
        assertThatThrownBy(() -> parse(""))
                .isInstanceOf(InvalidContainerConfigException.class)
                .hasMessage("config cannot be empty in order to create a container");
    }
}
