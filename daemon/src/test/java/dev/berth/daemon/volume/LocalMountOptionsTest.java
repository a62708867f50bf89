package dev.berth.daemon.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.linux.Mounts;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local driver's type, device, o and size, read and refused as moby's volume/local does. */
class LocalMountOptionsTest {
    @Test
    void noOptionsOrOnlyAZeroSizeMountNothing() {
        assertThat(LocalMountOptions.of("v", Map.of())).isEmpty();
        assertThat(LocalMountOptions.of("v", null)).isEmpty();
        assertThat(LocalMountOptions.of("v", Map.of("size", "0"))).isEmpty();
    }

    @Test
    void oIsSplitIntoFlagsAndTheFilesystemsData() {
        assertThat(LocalMountOptions.of("v", Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=10m,uid=1000")))
                .contains(new LocalMountOptions("tmpfs", "tmpfs", 0, "size=10m,uid=1000"));
        assertThat(LocalMountOptions.of("v", Map.of("type", "none", "device", "/srv/x", "o", "bind")))
                .contains(new LocalMountOptions("none", "/srv/x", Mounts.MS_BIND, ""));
        assertThat(LocalMountOptions.of("v", Map.of("type", "none", "device", "/srv/x", "o", "rbind,ro,nosuid,rw,rslave")))
                .contains(new LocalMountOptions("none", "/srv/x",
                        Mounts.MS_BIND | Mounts.MS_REC | Mounts.MS_NOSUID | Mounts.MS_SLAVE, ""));
    }

    @Test
    void badOptionsAreRefusedInDockerdsWords() {
        assertInvalid(Map.of("flavour", "x"), "create v: invalid option key: \"flavour\"");
        assertInvalid(Map.of("type", "tmpfs"), "create v: missing required option: \"device\"");
        assertInvalid(Map.of("device", "tmpfs"), "create v: missing required option: \"type\"");
        assertInvalid(Map.of("o", "size=1m", "type", "tmpfs"), "create v: missing required option: \"device\"");
        assertInvalid(Map.of("size", "10m"), "create v: quota size requested but no quota support");
        assertInvalid(Map.of("type", "tmpfs", "device", "tmpfs", "size", "10m"),
                "create v: quota size requested but no quota support");
        assertInvalid(Map.of("size", "lots"), "create v: invalid size: 'lots'");
    }

    private static void assertInvalid(Map<String, String> options, String message) {
        assertThatThrownBy(() -> LocalMountOptions.of("v", options)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
