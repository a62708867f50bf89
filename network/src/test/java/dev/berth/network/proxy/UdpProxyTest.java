package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP through the proxy, on 127.0.0.1 only, with a plain Java echo server as the target. */
class UdpProxyTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    EventLoopGroup group;
    PortProxy proxy;
    DatagramSocket echo;
    Thread echoThread;
    final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        proxy = new PortProxy(ProxyTransport.nio(group), Duration.ofMillis(300));
        echo = new DatagramSocket(0, LOOPBACK);
        echoThread = Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[65535];
            while (!echo.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    echo.receive(p);
                    echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
        echo.close();
        echoThread.join();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    UdpBinding open() throws IOException {
        ProxyBinding b = proxy.open(Protocol.UDP, LOOPBACK, PortProxyTest.freePort(),
                new InetSocketAddress(LOOPBACK, echo.getLocalPort()));
        cleanup.add(b);
        return (UdpBinding) b;
    }

    DatagramSocket client() throws IOException {
        DatagramSocket s = new DatagramSocket(0, LOOPBACK);
        s.setSoTimeout(10_000);
        cleanup.add(s);
        return s;
    }

    static String exchange(DatagramSocket client, ProxyBinding b, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(out, out.length, b.hostAddress()));
        DatagramPacket in = new DatagramPacket(new byte[65535], 65535);
        client.receive(in);
        // the reply comes from the published port, as the client expects of a UDP server
        assertThat(in.getSocketAddress()).isEqualTo(b.hostAddress());
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
    }

    @Test
    void echoesThroughTheProxyToEachClientItsOwnReplies() throws Exception {
        UdpBinding b = open();
        assertThat(b.protocol()).isEqualTo(Protocol.UDP);
        DatagramSocket first = client();
        DatagramSocket second = client();
        for (int i = 0; i < 5; i++) {
            assertThat(exchange(first, b, "first " + i)).isEqualTo("first " + i);
            assertThat(exchange(second, b, "second " + i)).isEqualTo("second " + i);
        }
        assertThat(b.flowCount()).isEqualTo(2);
    }

    @Test
    void aLargeDatagramArrivesWhole() throws Exception {
        UdpBinding b = open();
        String big = "0123456789".repeat(6_000) + "end";
        String back = exchange(client(), b, big);
        // compared by length and ends: a failure message of 60,000 characters helps nobody
        assertThat(back.length()).isEqualTo(big.length());
        assertThat(back.equals(big)).as("the datagram came back unchanged").isTrue();
    }

    @Test
    void anIdleFlowIsClosedAndTheNextDatagramOpensANewOne() throws Exception {
        UdpBinding b = open();
        DatagramSocket client = client();
        assertThat(exchange(client, b, "one")).isEqualTo("one");
        assertThat(b.flowCount()).isEqualTo(1);
        for (int i = 0; i < 200 && b.flowCount() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(b.flowCount()).as("flows left after the idle timeout").isZero();
        assertThat(exchange(client, b, "two")).isEqualTo("two");
        assertThat(b.flowCount()).isEqualTo(1);
    }

    @Test
    void aPortInUseFailsWithDockerdsMessage() throws Exception {
        DatagramSocket taken = client();
        int port = taken.getLocalPort();
        assertThatThrownBy(() -> proxy.open(Protocol.UDP, LOOPBACK, port, new InetSocketAddress(LOOPBACK, 1)))
                .isInstanceOf(PortAllocatedException.class)
                .hasMessage("Bind for 127.0.0.1:" + port + " failed: port is already allocated");
    }

    @Test
    void closeFreesThePortAndItsFlows() throws Exception {
        UdpBinding b = open();
        DatagramSocket client = client();
        assertThat(exchange(client, b, "hi")).isEqualTo("hi");
        b.close();
        assertThat(b.flowCount()).isZero();
        client.setSoTimeout(300);
        byte[] out = "gone".getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(out, out.length, b.hostAddress()));
        assertThatThrownBy(() -> client.receive(new DatagramPacket(new byte[16], 16)))
                .isInstanceOfAny(SocketTimeoutException.class, java.net.PortUnreachableException.class);
        try (DatagramSocket again = new DatagramSocket(b.hostAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(b.hostAddress().getPort());
        }
    }
}
