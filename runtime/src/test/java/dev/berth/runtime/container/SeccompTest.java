package dev.berth.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeccompTest {
    private static Spec spec(String seccomp) throws Exception {
        return OciJson.readSpec(("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"cwd\":\"/\",\"args\":[\"true\"]},"
                + "\"linux\":{\"seccomp\":" + seccomp + "}}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEqualProfileParsedAgainGetsTheFilterCompiledBefore() throws Exception {
        String profile = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"write\"],"
                + "\"action\":\"SCMP_ACT_ALLOW\"}]}";
        Seccomp.Filter first = Seccomp.compile(spec(profile));
        assertThat(Seccomp.compile(spec(profile))).isSameAs(first);
    }

    @Test
    void profilesThatDifferGetTheirOwnFilters() throws Exception {
        Seccomp.Filter allowRead = Seccomp.compile(spec("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
                + "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"));
        Seccomp.Filter allowWrite = Seccomp.compile(spec("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
                + "[{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"));
        assertThat(allowWrite.program()).isNotEqualTo(allowRead.program());
        Seccomp.Filter killRead = Seccomp.compile(spec("{\"defaultAction\":\"SCMP_ACT_KILL\",\"syscalls\":"
                + "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"));
        assertThat(killRead.program()).isNotEqualTo(allowRead.program());
    }

    @Test
    void aSpecWithoutSeccompHasNoFilter() throws Exception {
        assertThat(Seccomp.compile(OciJson.readSpec(("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"cwd\":\"/\",\"args\":[\"true\"]}}").getBytes(StandardCharsets.UTF_8)))).isNull();
    }
}
