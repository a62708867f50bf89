package dev.berth.linux;

import static dev.berth.linux.NetTestSupport.pinnedNamespace;
import static dev.berth.linux.NetTestSupport.run;
import static dev.berth.linux.NetTestSupport.threadNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RequiresRoot
class NetNamespaceTest {
    private Path dir;
    private final List<NetNamespace> made = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("berth-netns-");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (NetNamespace ns : made) {
            ns.delete();
        }
        assertThat(MountInfo.under(dir)).isEmpty();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private NetNamespace create(String name) throws IOException {
        NetNamespace ns = NetNamespace.create(dir.resolve(name));
        made.add(ns);
        return ns;
    }

    @Test
    void createPinsANewNamespaceWithLoopbackUpAndLeavesTheCallerWhereItWas() throws Exception {
        String before = threadNamespace();
        NetNamespace ns = create("sub/dir/c1");

        assertThat(threadNamespace()).isEqualTo(before);
        assertThat(NetTestSupport.allThreadsNamespaces()).containsExactly(before);
        assertThat(ns.path()).isEqualTo(dir.resolve("sub/dir/c1"));
        assertThat(MountInfo.read()).anyMatch(m -> m.mountPoint().equals(ns.path()) && m.fsType().equals("nsfs"));
        assertThat(pinnedNamespace(ns.path())).isNotEqualTo(before);
        try (Rtnetlink rtnl = Rtnetlink.openIn(ns)) {
            assertThat(rtnl.link("lo")).hasValueSatisfying(lo -> assertThat(lo.up()).isTrue());
            assertThat(rtnl.links()).extracting(Rtnetlink.Link::name).containsExactly("lo");
        }
        var ip = run("nsenter", "--net=" + ns.path(), "ip", "-j", "addr");
        assertThat(ip.code()).isZero();
        assertThat(ip.output()).contains("\"ifname\":\"lo\"").contains("\"UP\"").contains("\"127.0.0.1\"")
                .doesNotContain("eth0");
    }

    @Test
    void callRunsInsideTheNamespaceAndReturnsOrRethrows() throws Exception {
        NetNamespace ns = create("c1");
        String before = threadNamespace();

        assertThat(ns.call(NetTestSupport::threadNamespace)).isEqualTo(pinnedNamespace(ns.path()));
        assertThat(threadNamespace()).isEqualTo(before);
        assertThat(ns.call(Thread::currentThread).isVirtual()).isFalse();
        assertThatThrownBy(() -> ns.call(() -> {
            throw new IOException("inside");
        })).isInstanceOf(IOException.class).hasMessage("inside");
        // the thread that ran the failed task went home: the next task on any thread starts there
        assertThat(ns.call(NetTestSupport::threadNamespace)).isEqualTo(pinnedNamespace(ns.path()));

        // virtual threads may call too; the work still runs on a platform thread
        AtomicReference<Object> fromVirtual = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                fromVirtual.set(ns.call(NetTestSupport::threadNamespace));
            } catch (Exception e) {
                fromVirtual.set(e);
            }
        }).join();
        assertThat(fromVirtual.get()).isEqualTo(pinnedNamespace(ns.path()));
        assertThat(threadNamespace()).isEqualTo(before);
        // every namespace thread went back home after its task, none lingers inside
        assertThat(NetTestSupport.allThreadsNamespaces()).containsExactly(before);
    }

    @Test
    void nestedCallsEachSeeTheirOwnNamespace() throws Exception {
        NetNamespace a = create("a");
        NetNamespace b = create("b");
        String seen = a.call(() -> b.call(NetTestSupport::threadNamespace) + " " + threadNamespace());
        assertThat(seen).isEqualTo(pinnedNamespace(b.path()) + " " + pinnedNamespace(a.path()));
    }

    @Test
    void aSocketOpenedInsideStaysInTheNamespace() throws Exception {
        NetNamespace ns = create("c1");
        try (DatagramChannel inside = ns.call(() -> DatagramChannel.open()
                .bind(new InetSocketAddress("127.0.0.11", 0)))) {
            int port = ((InetSocketAddress) inside.getLocalAddress()).getPort();
            // the same address and port are free out here: another namespace, another loopback
            try (DatagramChannel outside = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.11", port))) {
                assertThat(outside.getLocalAddress()).isEqualTo(inside.getLocalAddress());
            }
            ns.call(() -> {
                try (DatagramChannel c = DatagramChannel.open()) {
                    c.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)),
                            new InetSocketAddress("127.0.0.11", port));
                }
                return null;
            });
            ByteBuffer got = ByteBuffer.allocate(16);
            inside.receive(got); // on this (host) thread, long after the call returned
            assertThat(new String(got.array(), 0, got.position(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }

    @Test
    void openChecksThatThePinIsANetworkNamespace() throws Exception {
        NetNamespace ns = create("c1");
        try (NetNamespace again = NetNamespace.open(ns.path())) {
            assertThat(again.fd()).isNotNegative();
            assertThat(again.call(NetTestSupport::threadNamespace)).isEqualTo(pinnedNamespace(ns.path()));
        }
        Path plain = Files.writeString(dir.resolve("plain"), "");
        assertThatThrownBy(() -> NetNamespace.open(plain))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("open network namespace " + plain + " (not a namespace file): invalid argument");
        assertThatThrownBy(() -> NetNamespace.open(Path.of("/proc/self/ns/mnt")))
                .hasMessage("open network namespace /proc/self/ns/mnt (not a network namespace): invalid argument");
        assertThatThrownBy(() -> NetNamespace.open(dir.resolve("missing")))
                .hasMessage("open network namespace " + dir.resolve("missing") + ": no such file or directory");
    }

    @Test
    void createRefusesAnExistingPinAndLeavesItAlone() throws Exception {
        Path taken = Files.writeString(dir.resolve("taken"), "mine");
        assertThatThrownBy(() -> NetNamespace.create(taken))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("create network namespace " + taken + ": file exists");
        assertThat(Files.readString(taken)).isEqualTo("mine");
        assertThat(MountInfo.isMountPoint(taken)).isFalse();
    }

    @Test
    void deleteUnmountsAndRemovesThePinAndMayBeRepeated() throws Exception {
        NetNamespace ns = create("c1");
        ns.fd(); // an open descriptor must not keep anything behind either
        ns.delete();
        assertThat(ns.path()).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(ns.path().toString());
        ns.delete();
        assertThatThrownBy(() -> NetNamespace.open(ns.path())).hasMessageContaining("no such file or directory");
    }

    @Test
    void measureCreateCallAndDelete() throws Exception {
        for (int round = 0; round < 2; round++) { // the first round pays for class loading and downcall handles
            long t0 = System.nanoTime();
            NetNamespace ns = create("m" + round);
            long t1 = System.nanoTime();
            int calls = 2000;
            for (int i = 0; i < calls; i++) {
                ns.call(() -> null);
            }
            long t2 = System.nanoTime();
            ns.delete();
            long t3 = System.nanoTime();
            System.out.printf("netns round %d: create %.2f ms, call %.1f us each, delete %.2f ms%n", round,
                    (t1 - t0) / 1e6, (t2 - t1) / 1e3 / calls, (t3 - t2) / 1e6);
        }
    }
}
