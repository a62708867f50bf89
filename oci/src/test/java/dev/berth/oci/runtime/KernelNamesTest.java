package dev.berth.oci.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The spec names map to the kernel's numbers from its uapi headers. */
class KernelNamesTest {

    @Test
    void capabilitiesCarryTheirKernelBits() {
        assertThat(Capability.CAP_CHOWN.bit()).isZero();
        assertThat(Capability.CAP_NET_BIND_SERVICE.bit()).isEqualTo(10);
        assertThat(Capability.CAP_SYS_ADMIN.bit()).isEqualTo(21);
        assertThat(Capability.CAP_SYS_RESOURCE.bit()).isEqualTo(24);
        assertThat(Capability.CAP_AUDIT_READ.bit()).isEqualTo(37);
        assertThat(Capability.CAP_CHECKPOINT_RESTORE.bit()).isEqualTo(40);
        assertThat(Capability.values()).hasSize(41);
        assertThat(Capability.byName("CAP_BPF")).contains(Capability.CAP_BPF);
        assertThat(Capability.byName("CAP_bpf")).isEmpty();
    }

    @Test
    void capabilitiesMatchWhatRuncAdvertises() throws Exception {
        Features features = OciJson.readFeatures(TestSpecs.resource("runc-features.json"));

        assertThat(Arrays.stream(Capability.values()).map(Enum::name))
                .containsExactlyInAnyOrderElementsOf(features.linux().capabilities());
    }

    @Test
    void seccompNamesCoverWhatRuncAdvertises() throws Exception {
        Features.Seccomp seccomp = OciJson.readFeatures(TestSpecs.resource("runc-features.json")).linux().seccomp();

        assertThat(SeccompNames.ACTIONS).containsExactlyInAnyOrderElementsOf(seccomp.actions());
        assertThat(SeccompNames.OPERATORS).containsExactlyInAnyOrderElementsOf(seccomp.operators());
        assertThat(SeccompNames.ARCHITECTURES).containsAll(seccomp.archs());
    }

    @Test
    void namespacesCarryTheirCloneFlags() {
        assertThat(NamespaceType.MOUNT.cloneFlag()).isEqualTo(0x00020000);
        assertThat(NamespaceType.USER.cloneFlag()).isEqualTo(0x10000000);
        assertThat(NamespaceType.TIME.cloneFlag()).isEqualTo(0x80);
        assertThat(NamespaceType.NETWORK.procName()).isEqualTo("net");
        assertThat(NamespaceType.bySpecName("network")).contains(NamespaceType.NETWORK);
        assertThat(NamespaceType.bySpecName("net")).isEmpty();
        assertThat(Arrays.stream(NamespaceType.values()).mapToInt(NamespaceType::cloneFlag).reduce(0, (a, b) -> a | b))
                .as("flags are distinct bits").isEqualTo(0x7E020080);
    }

    @Test
    void rlimitsCarryTheirResourceNumbers() {
        assertThat(RlimitResource.RLIMIT_CPU.resource()).isZero();
        assertThat(RlimitResource.RLIMIT_NOFILE.resource()).isEqualTo(7);
        assertThat(RlimitResource.RLIMIT_RTTIME.resource()).isEqualTo(15);
        assertThat(RlimitResource.byName("RLIMIT_NPROC")).contains(RlimitResource.RLIMIT_NPROC);
    }
}
