package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Linux;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostProfileTest {

    @Test
    void heldCapabilitiesComeFromCapPrm() {
        // MACHINE.md: the bounding set 000001fffeffffff, bit 24 (CAP_SYS_RESOURCE) clear
        var held = HostProfile.heldCapabilities("Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001fffeffffff\n");
        assertThat(held).hasSize(Capability.values().length - 1).doesNotContain(Capability.CAP_SYS_RESOURCE);
        assertThat(HostProfile.heldCapabilities("CapPrm:\t0000000000000001\n")).containsExactly(Capability.CAP_CHOWN);
    }

    @Test
    void hostDevicesLeaveOutWhatTheRuntimeMakesItself() throws IOException {
        var devices = HostProfile.hostDevices(Path.of("/dev"));
        assertThat(devices).extracting(Linux.Device::path)
                .doesNotContain("/dev/null", "/dev/zero", "/dev/tty", "/dev/console")
                .noneMatch(p -> p.startsWith("/dev/pts/"));
        assertThat(devices).allMatch(d -> d.type().equals("c") || d.type().equals("b"));
    }

    @Test
    void nodeReadsMajorAndMinor() throws IOException {
        Linux.Device d = ContainerDevices.node(Path.of("/dev/null"), "/dev/x").orElseThrow();
        assertThat(d.type()).isEqualTo("c");
        assertThat(d.major()).isEqualTo(1L);
        assertThat(d.minor()).isEqualTo(3L);
        assertThat(ContainerDevices.node(Path.of("/etc/hostname"), "/x")).isEmpty();
    }

    @Test
    void probeReadsThisHost() throws IOException {
        HostProfile host = HostProfile.probe();
        assertThat(host.cpus()).isPositive();
        assertThat(host.hostname()).isNotBlank();
        assertThat(host.capabilities()).isNotNull();
    }
}
