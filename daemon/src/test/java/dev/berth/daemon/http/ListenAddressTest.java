package dev.berth.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void unixSockets() {
        assertThat(ListenAddress.parse("unix:///run/berth/berth.sock", false))
                .isEqualTo(new ListenAddress.Unix(Path.of("/run/berth/berth.sock")));
        assertThat(ListenAddress.parse("/tmp/x.sock", false)).isEqualTo(new ListenAddress.Unix(Path.of("/tmp/x.sock")));
        assertThat(ListenAddress.parse("unix:///run/berth/berth.sock", false)).hasToString("unix:///run/berth/berth.sock");
    }

    @Test
    void tcpWithDockerdsDefaultPorts() {
        assertThat(ListenAddress.parse("tcp://127.0.0.1:2375", false)).isEqualTo(new ListenAddress.Tcp("127.0.0.1", 2375));
        assertThat(ListenAddress.parse("tcp://127.0.0.1", false)).isEqualTo(new ListenAddress.Tcp("127.0.0.1", 2375));
        assertThat(ListenAddress.parse("tcp://127.0.0.1", true)).isEqualTo(new ListenAddress.Tcp("127.0.0.1", 2376));
        assertThat(ListenAddress.parse("tcp://:4243", false)).isEqualTo(new ListenAddress.Tcp("0.0.0.0", 4243));
        assertThat(ListenAddress.parse("tcp://", false)).isEqualTo(new ListenAddress.Tcp("0.0.0.0", 2375));
        assertThat(ListenAddress.parse("tcp://[::1]:2376", false)).isEqualTo(new ListenAddress.Tcp("::1", 2376));
        assertThat(ListenAddress.parse("localhost:1234", false)).isEqualTo(new ListenAddress.Tcp("localhost", 1234));
        assertThat(ListenAddress.parse("tcp://127.0.0.1:0", false)).isEqualTo(new ListenAddress.Tcp("127.0.0.1", 0));
        assertThat(new ListenAddress.Tcp("::1", 2376)).hasToString("tcp://[::1]:2376");
    }

    @Test
    void badAddressesNameTheProblem() {
        assertThatThrownBy(() -> ListenAddress.parse("unix://", false)).hasMessageContaining("needs a socket path");
        assertThatThrownBy(() -> ListenAddress.parse("unix://relative.sock", false)).hasMessageContaining("absolute");
        assertThatThrownBy(() -> ListenAddress.parse("unix:///" + "x".repeat(120), false)).hasMessageContaining("longer than 107");
        assertThatThrownBy(() -> ListenAddress.parse("http://host:1", false)).hasMessageContaining("unknown scheme http://");
        assertThatThrownBy(() -> ListenAddress.parse("fd://", false)).hasMessageContaining("not supported");
        assertThatThrownBy(() -> ListenAddress.parse("tcp://host:99999", false)).hasMessageContaining("invalid");
        assertThatThrownBy(() -> ListenAddress.parse("tcp://host:1/path", false)).hasMessageContaining("path");
        assertThatThrownBy(() -> ListenAddress.parse(" ", false)).hasMessageContaining("empty");
    }
}
