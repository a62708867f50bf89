package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TCP through the proxy, on 127.0.0.1 only: a plain Java target server, a plain Java client. */
class PortProxyTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    EventLoopGroup group;
    PortProxy proxy;
    final List<AutoCloseable> cleanup = new ArrayList<>();
    /** Blocking test code runs on virtual threads: the common pool has one thread on two cores. */
    final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        proxy = new PortProxy(ProxyTransport.nio(group));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
        threads.shutdownNow();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A port that was free a moment ago: the kernel's pick for a socket that is then closed. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    ServerSocket target() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, LOOPBACK);
        cleanup.add(s);
        return s;
    }

    ProxyBinding open(Protocol protocol, int targetPort) throws IOException {
        ProxyBinding b = proxy.open(protocol, LOOPBACK, freePort(), new InetSocketAddress(LOOPBACK, targetPort));
        cleanup.add(b);
        return b;
    }

    Socket connect(ProxyBinding b) throws IOException {
        Socket s = new Socket();
        cleanup.add(s);
        s.connect(b.hostAddress(), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    static byte[] pattern(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void relaysAMebibyteEachWayAndTheClientsHalfCloseReachesTheTarget() throws Exception {
        ServerSocket target = target();
        byte[] up = pattern(1 << 20, 1);
        byte[] down = pattern(1 << 20, 2);
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            try (Socket s = target.accept()) {
                // readAllBytes returns only at end of stream: the client's shutdownOutput as FIN
                byte[] got = s.getInputStream().readAllBytes();
                s.getOutputStream().write(down);
                return got;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
        ProxyBinding binding = open(Protocol.TCP, target.getLocalPort());
        assertThat(binding.protocol()).isEqualTo(Protocol.TCP);
        assertThat(binding.target().getPort()).isEqualTo(target.getLocalPort());
        Socket client = connect(binding);
        client.getOutputStream().write(up);
        client.shutdownOutput();
        byte[] back = client.getInputStream().readAllBytes();
        assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(up);
        assertThat(back).isEqualTo(down);
    }

    @Test
    void theTargetsHalfCloseReachesTheClientAndTheOtherDirectionGoesOn() throws Exception {
        ServerSocket target = target();
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
            try (Socket s = target.accept()) {
                s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
        Socket client = connect(open(Protocol.TCP, target.getLocalPort()));
        assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        OutputStream out = client.getOutputStream();
        out.write("still here".getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();
        assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo("still here");
    }

    @Test
    void aTargetThatDoesNotReadStopsTheProxyReadingTheClient() throws Exception {
        ServerSocket target = target();
        long total = 256L << 20; // well above the socket buffers on the way (tcp_rmem max is 32 MiB here)
        CountDownLatch startReading = new CountDownLatch(1);
        CompletableFuture<byte[]> digestAtTarget = CompletableFuture.supplyAsync(() -> {
            try (Socket s = target.accept()) {
                startReading.await();
                return digestOf(s.getInputStream());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, threads);
        Socket client = connect(open(Protocol.TCP, target.getLocalPort()));
        AtomicLong written = new AtomicLong();
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                byte[] chunk = new byte[64 << 10];
                Random r = new Random(3);
                OutputStream out = client.getOutputStream();
                while (written.get() < total) {
                    r.nextBytes(chunk);
                    sent.update(chunk);
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                client.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
        // wait until the writer is stuck: its count stops moving (or it finished, which fails below)
        long seen = -1;
        for (int i = 0; i < 600 && !writer.isDone() && written.get() != seen; i++) {
            seen = written.get();
            Thread.sleep(500);
        }
        long stalledAt = written.get();
        assertThat(stalledAt).as("bytes the client wrote before it stalled").isPositive();
        assertThat(stalledAt).as("bytes the client could write while the target read nothing").isLessThan(total);
        long t0 = System.nanoTime();
        startReading.countDown();
        writer.get(120, TimeUnit.SECONDS);
        byte[] got = digestAtTarget.get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(got).isEqualTo(sent.digest());
        System.out.printf("backpressure: writer stalled at %d MiB; %d MiB relayed in %.2f s after the target read (%.0f MiB/s)%n",
                stalledAt >> 20, total >> 20, seconds, (total - stalledAt) / 1048576.0 / seconds);
    }

    static byte[] digestOf(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 << 10];
        for (int n; (n = in.read(buf)) >= 0; ) {
            d.update(buf, 0, n);
        }
        return d.digest();
    }

    @Test
    void aTargetThatRefusesGetsTheClientClosed() throws Exception {
        int nobody = freePort();
        Socket client = connect(open(Protocol.TCP, nobody));
        int read;
        try {
            read = client.getInputStream().read();
        } catch (SocketException reset) {
            read = -1;
        }
        assertThat(read).isEqualTo(-1);
    }

    @Test
    void aPortInUseFailsWithDockerdsMessage() throws Exception {
        ServerSocket target = target();
        ProxyBinding first = open(Protocol.TCP, target.getLocalPort());
        int port = first.hostAddress().getPort();
        assertThatThrownBy(() -> proxy.open(Protocol.TCP, LOOPBACK, port, new InetSocketAddress(LOOPBACK, 1)))
                .isInstanceOf(PortAllocatedException.class)
                .hasMessage("Bind for 127.0.0.1:" + port + " failed: port is already allocated");
        // held by another program, and asked for on all addresses: the bind fails, nothing is exposed
        ServerSocket other = target();
        InetAddress any = InetAddress.getByAddress(new byte[4]);
        assertThatThrownBy(() -> {
            ProxyBinding unexpected = proxy.open(Protocol.TCP, any, other.getLocalPort(), new InetSocketAddress(LOOPBACK, 1));
            unexpected.close();
        }).isInstanceOfSatisfying(PortAllocatedException.class, e -> assertThat(e.port()).isEqualTo(other.getLocalPort()))
                .hasMessage("Bind for 0.0.0.0:" + other.getLocalPort() + " failed: port is already allocated");
    }

    @Test
    void closeFreesThePortAndEndsItsConnections() throws Exception {
        ServerSocket target = target();
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                Socket s = target.accept();
                cleanup.add(s);
                return s;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
        ProxyBinding binding = open(Protocol.TCP, target.getLocalPort());
        Socket client = connect(binding);
        Socket atTarget = accepted.get(30, TimeUnit.SECONDS);
        client.getOutputStream().write('x');
        assertThat(atTarget.getInputStream().read()).isEqualTo('x');

        binding.close();
        int read;
        try {
            read = client.getInputStream().read();
        } catch (SocketException reset) {
            read = -1;
        }
        assertThat(read).isEqualTo(-1);
        client.close(); // until the client closes too, the proxy's side waits in FIN_WAIT_2 on this port
        try (ServerSocket again = new ServerSocket()) {
            // the proxy's side of the ended connection is in TIME_WAIT on this port; a listener
            // may bind over that with SO_REUSEADDR, as the proxy's own listeners do
            again.setReuseAddress(true);
            again.bind(binding.hostAddress());
            assertThat(again.getLocalPort()).isEqualTo(binding.hostAddress().getPort());
        }
    }

    @Test
    void manyConnectionsAtOnce() throws Exception {
        ServerSocket target = target();
        Thread echo = Thread.ofVirtual().start(() -> {
            while (!target.isClosed()) {
                try {
                    Socket s = target.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        cleanup.add(() -> {
            target.close();
            echo.join();
        });
        ProxyBinding binding = open(Protocol.TCP, target.getLocalPort());
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String msg = "client " + i;
            replies.add(CompletableFuture.supplyAsync(() -> {
                try (Socket s = new Socket()) {
                    s.connect(binding.hostAddress(), 10_000);
                    s.setSoTimeout(30_000);
                    s.getOutputStream().write(msg.getBytes(StandardCharsets.UTF_8));
                    s.shutdownOutput();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    s.getInputStream().transferTo(out);
                    return out.toString(StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, threads));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(replies.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("client " + i);
        }
    }
}
