package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final InetAddress ANY = anyAddress();

    static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void usesTheKernelsEphemeralRange() throws IOException {
        String[] range;
        try (var lines = Files.lines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            range = lines.findFirst().orElseThrow().strip().split("\\s+");
        }
        PortAllocator allocator = new PortAllocator();
        assertThat(allocator.first()).isEqualTo(Integer.parseInt(range[0]));
        assertThat(allocator.last()).isEqualTo(Integer.parseInt(range[1]));
        int port = allocator.allocate(Protocol.TCP, LOOPBACK);
        assertThat(port).isBetween(allocator.first(), allocator.last());
    }

    @Test
    void skipsPortsOtherProgramsHoldAndRemembersItsOwn() throws IOException {
        int port;
        try (ServerSocket other = new ServerSocket(0, 1, LOOPBACK)) {
            port = other.getLocalPort();
            PortAllocator allocator = new PortAllocator(port, port);
            assertThatThrownBy(() -> allocator.allocate(Protocol.TCP, LOOPBACK)).hasMessage("all ports are allocated");
        }
        PortAllocator allocator = new PortAllocator(port, port);
        assertThat(allocator.allocate(Protocol.TCP, LOOPBACK)).isEqualTo(port);
        // now Berth's own: not handed out again, on the same address or on all of them
        assertThatThrownBy(() -> allocator.allocate(Protocol.TCP, LOOPBACK)).hasMessage("all ports are allocated");
        assertThatThrownBy(() -> allocator.reserve(Protocol.TCP, ANY, port))
                .isInstanceOf(PortAllocatedException.class)
                .hasMessage("Bind for 0.0.0.0:" + port + " failed: port is already allocated");
        // the same number for the other protocol is another port
        allocator.reserve(Protocol.UDP, LOOPBACK, port);
        allocator.release(Protocol.TCP, LOOPBACK, port);
        assertThat(allocator.allocate(Protocol.TCP, LOOPBACK)).isEqualTo(port);
    }

    @Test
    void handsPortsOutInTurnSoAReleasedOneIsNotReusedAtOnce() throws IOException {
        int base;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            base = Math.min(probe.getLocalPort(), 65533);
        }
        for (int p = base; p < base + 3; p++) {
            assumeTrue(free(p), "port " + p + " is in use on this host");
        }
        PortAllocator allocator = new PortAllocator(base, base + 2);
        assertThat(allocator.allocate(Protocol.TCP, LOOPBACK)).isEqualTo(base);
        assertThat(allocator.allocate(Protocol.TCP, LOOPBACK)).isEqualTo(base + 1);
        allocator.release(Protocol.TCP, LOOPBACK, base);
        assertThat(allocator.allocate(Protocol.TCP, LOOPBACK)).isEqualTo(base + 2);
        assertThat(allocator.allocate(Protocol.TCP, LOOPBACK)).isEqualTo(base);
        assertThatThrownBy(() -> allocator.allocate(Protocol.TCP, LOOPBACK)).hasMessage("all ports are allocated");
    }

    @Test
    void aWildcardReservationCoversEveryAddress() throws IOException {
        PortAllocator allocator = new PortAllocator(40000, 40010);
        allocator.reserve(Protocol.TCP, ANY, 40005);
        assertThatThrownBy(() -> allocator.reserve(Protocol.TCP, LOOPBACK, 40005))
                .hasMessage("Bind for 127.0.0.1:40005 failed: port is already allocated");
        allocator.reserve(Protocol.TCP, LOOPBACK, 40006);
        assertThatThrownBy(() -> allocator.reserve(Protocol.TCP, LOOPBACK, 40006))
                .hasMessage("Bind for 127.0.0.1:40006 failed: port is already allocated");
        assertThatThrownBy(() -> new PortAllocator(100, 50)).hasMessage("invalid port range 100-50");
    }

    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
