package dev.berth.linux;

import static dev.berth.linux.NetTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * rtnetlink against the kernel, entirely inside two namespaces the test makes: {@code host}
 * stands for the daemon's side (bridge, veth ends), {@code box} for a container. Deleting the
 * namespaces deletes every interface in them, so nothing is left whatever fails.
 */
@RequiresRoot
class RtnetlinkTest {
    private Path dir;
    private NetNamespace host;
    private NetNamespace box;
    private Rtnetlink hostNl;
    private Rtnetlink boxNl;
    private final String id = NetTestSupport.suffix();
    private final String bridge = "br" + id;
    private final String veth = "ve" + id;
    /** 10.x.y.0/24 inside the test's namespaces only; random so that parallel runs differ. */
    private final String net = "10." + (200 + ThreadLocalRandom.current().nextInt(50)) + "."
            + ThreadLocalRandom.current().nextInt(256) + ".";

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("berth-rtnl-");
        host = NetNamespace.create(dir.resolve("host"));
        box = NetNamespace.create(dir.resolve("box"));
        hostNl = Rtnetlink.openIn(host);
        boxNl = Rtnetlink.openIn(box);
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (hostNl != null) {
                hostNl.close();
            }
            if (boxNl != null) {
                boxNl.close();
            }
        } finally {
            if (host != null) {
                host.delete();
            }
            if (box != null) {
                box.delete();
            }
            assertThat(MountInfo.under(dir)).isEmpty();
            Files.delete(dir);
        }
    }

    private Inet4Address ip(String last) throws IOException {
        return (Inet4Address) InetAddress.getByName(net + last);
    }

    @Test
    void bridgeAndVethConnectAContainerNamespace() throws Exception {
        hostNl.addBridge(bridge);
        hostNl.addVeth(veth, "eth0", box);
        hostNl.setMaster(veth, bridge);
        hostNl.setUp(bridge);
        hostNl.setUp(veth);
        hostNl.addAddress(bridge, ip("1"), 24);
        boxNl.addAddress("eth0", ip("2"), 24);
        boxNl.setUp("eth0");
        boxNl.addRoute(null, 0, ip("1"), "eth0");

        Rtnetlink.Link br = hostNl.link(bridge).orElseThrow();
        assertThat(br.kind()).isEqualTo("bridge");
        assertThat(br.up()).isTrue();
        Rtnetlink.Link hostEnd = hostNl.link(veth).orElseThrow();
        assertThat(hostEnd.kind()).isEqualTo("veth");
        assertThat(hostEnd.masterIndex()).isEqualTo(br.index());
        assertThat(hostNl.link("eth0")).isEmpty(); // the peer was born in the box, never here
        Rtnetlink.Link eth0 = boxNl.link("eth0").orElseThrow();
        assertThat(eth0.up()).isTrue();
        assertThat(eth0.mtu()).isEqualTo(1500);
        assertThat(eth0.mac()).isNotNull();
        assertThat(boxNl.linkIndex("eth0")).hasValue(eth0.index());

        assertThat(boxNl.addresses("eth0")).containsExactly(
                new Rtnetlink.LinkAddress(eth0.index(), ip("2"), 24, ip("255"), "eth0"));
        assertThat(boxNl.routes()).contains(
                new Rtnetlink.Route(null, 0, ip("1"), eth0.index(), null),
                new Rtnetlink.Route(ip("0"), 24, null, eth0.index(), ip("2")));
        var ipRoute = run("nsenter", "--net=" + box.path(), "ip", "-j", "route");
        assertThat(ipRoute.output()).contains("{\"dst\":\"default\",\"gateway\":\"" + net + "1\",\"dev\":\"eth0\"");
        var ipAddr = run("nsenter", "--net=" + box.path(), "ip", "-j", "addr", "show", "eth0");
        assertThat(ipAddr.output()).contains("\"local\":\"" + net + "2\",\"prefixlen\":24,\"broadcast\":\"" + net + "255\"");

        // traffic both ways through the bridge: ICMP echo (what ping sends; Java sends it as root) and TCP
        assertThat(box.call(() -> ip("1").isReachable(2000))).isTrue();
        assertThat(host.call(() -> ip("2").isReachable(2000))).isTrue();
        assertThat(box.call(() -> ip("3").isReachable(300))).isFalse(); // nobody has .3
        try (ServerSocketChannel server = host.call(() -> ServerSocketChannel.open()
                .bind(new InetSocketAddress(ip("1"), 0)))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (SocketChannel client = box.call(() -> SocketChannel.open(new InetSocketAddress(ip("1"), port)));
                 SocketChannel accepted = server.accept()) {
                assertThat(((InetSocketAddress) accepted.getRemoteAddress()).getAddress()).isEqualTo(ip("2"));
                client.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer one = ByteBuffer.allocate(1);
                accepted.read(one);
                assertThat(one.get(0)).isEqualTo((byte) 42);
            }
        }
        if (NetTestSupport.onPath("ping")) {
            assertThat(run("nsenter", "--net=" + box.path(), "ping", "-c1", "-W1", net + "1").code()).isZero();
            assertThat(run("nsenter", "--net=" + host.path(), "ping", "-c1", "-W1", net + "2").code()).isZero();
        } else {
            System.out.println("rtnetlink test: no ping on this machine; reachability checked by ICMP echo from Java");
        }
    }

    @Test
    void aVethBornInItsBridgeAndUpCarriesTraffic() throws Exception {
        hostNl.addBridge(bridge);
        hostNl.setUp(bridge);
        hostNl.addAddress(bridge, ip("1"), 24);
        MacAddress mac = MacAddress.parse("02:42:0a:0b:0c:0d");
        hostNl.addVethInBridge(veth, bridge, "eth0", box, mac);

        Rtnetlink.Link hostEnd = hostNl.link(veth).orElseThrow();
        assertThat(hostEnd.masterIndex()).isEqualTo(hostNl.link(bridge).orElseThrow().index());
        assertThat(hostEnd.up()).isTrue();
        Rtnetlink.Link eth0 = boxNl.link("eth0").orElseThrow();
        assertThat(eth0.up()).isFalse();
        assertThat(eth0.mac()).isEqualTo(mac);
        boxNl.setUp("eth0");
        boxNl.addAddress("eth0", ip("2"), 24);
        assertThat(box.call(() -> ip("1").isReachable(2000))).isTrue();
        assertThatThrownBy(() -> hostNl.addVethInBridge("vx" + id, "nobr" + id, "eth1", box, mac))
                .hasMessageContaining("nobr" + id);
        assertThat(boxNl.link("eth1")).isEmpty();
    }

    @Test
    void duplicateNamesAndUnknownLinksFailWithTheirNames() throws Exception {
        hostNl.addBridge(bridge);
        assertThatThrownBy(() -> hostNl.addBridge(bridge))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("add bridge " + bridge + ": file exists")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.EEXIST));
        assertThatThrownBy(() -> hostNl.addVeth(bridge, "p" + id, null))
                .hasMessage("add veth " + bridge + ": file exists");
        hostNl.addVeth(veth, "eth0", box);
        assertThatThrownBy(() -> hostNl.addVeth("vx" + id, "eth0", box)) // eth0 is taken in the box
                .hasMessage("add veth vx" + id + ": file exists");
        assertThat(hostNl.link("vx" + id)).isEmpty();

        String missing = "no" + id;
        assertThat(hostNl.link(missing)).isEmpty();
        assertThat(hostNl.linkIndex(missing)).isEmpty();
        assertThatThrownBy(() -> hostNl.setUp(missing)).hasMessage("set up " + missing + ": no such device");
        assertThatThrownBy(() -> hostNl.setMaster(veth, missing))
                .hasMessage("set master of " + veth + " to " + missing + ": no such device");
        assertThatThrownBy(() -> hostNl.addAddress(missing, ip("1"), 24))
                .hasMessage("add address " + net + "1/24 to " + missing + ": no such device");
        assertThatThrownBy(() -> hostNl.deleteLink(missing)).hasMessage("delete link " + missing + ": no such device");
        assertThat(hostNl.deleteLinkIfPresent(missing)).isFalse();
        assertThatThrownBy(() -> hostNl.addRoute(null, 0, ip("1"), "eth0")) // no such network here
                .hasMessageStartingWith("add route default via " + net + "1 dev eth0")
                .isInstanceOf(ErrnoException.class);
        assertThatThrownBy(() -> hostNl.addBridge("much-too-long-name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("invalid link name: much-too-long-name");
    }

    @Test
    void linksChangeMoveAndGo() throws Exception {
        String peer = "vp" + id;
        hostNl.addVeth(veth, peer, null);
        assertThat(hostNl.link(peer)).isPresent();

        hostNl.setMtu(veth, 1400);
        MacAddress mac = MacAddress.parse("02:42:0a:00:00:07");
        hostNl.setMacAddress(veth, mac.octets());
        hostNl.setUp(veth);
        Rtnetlink.Link l = hostNl.link(veth).orElseThrow();
        assertThat(l.mtu()).isEqualTo(1400);
        assertThat(l.mac()).isEqualTo(mac);
        assertThat(l.up()).isTrue();
        hostNl.setDown(veth);
        assertThat(hostNl.link(veth).orElseThrow().up()).isFalse();
        hostNl.rename(veth, "vr" + id);
        assertThat(hostNl.link(veth)).isEmpty();
        assertThat(hostNl.link("vr" + id).orElseThrow().index()).isEqualTo(l.index());

        hostNl.moveTo(peer, box);
        assertThat(hostNl.link(peer)).isEmpty();
        assertThat(boxNl.link(peer)).isPresent();

        boxNl.addAddress(peer, ip("9"), 30);
        boxNl.addAddress(peer, ip("20"), 32);
        assertThat(boxNl.addresses(peer)).extracting(a -> a.address().getHostAddress() + "/" + a.prefixLength()
                + " brd " + a.broadcast()).containsExactly(net + "9/30 brd /" + net + "11", net + "20/32 brd null");
        assertThatThrownBy(() -> boxNl.addAddress(peer, ip("9"), 30))
                .hasMessageStartingWith("add address " + net + "9/30 to " + peer + " (")
                .hasMessageEndingWith("): file exists"); // with the kernel's "address already assigned"
        boxNl.deleteAddress(peer, ip("9"), 30);
        assertThat(boxNl.addresses(peer)).extracting(Rtnetlink.LinkAddress::address).containsExactly(ip("20"));

        // deleting one end takes the other with it, across namespaces
        assertThat(hostNl.deleteLinkIfPresent("vr" + id)).isTrue();
        assertThat(boxNl.link(peer)).isEmpty();
        assertThat(hostNl.links()).extracting(Rtnetlink.Link::name).containsExactly("lo");
    }

    @Test
    void dumpsThatSpanSeveralDatagramsAreReadToTheEnd() throws Exception {
        // lo's routes live in the local table, which routes() leaves out
        assertThat(hostNl.routes()).isEmpty();
        int pairs = 40; // 80 links of about 1.5 KiB each: more than one 32 KiB datagram
        for (int i = 0; i < pairs; i++) {
            hostNl.addVeth("a" + i + id, "b" + i + id, null);
        }
        hostNl.setUp("a0" + id); // the kernel adds an address's subnet route only on a link that is up
        hostNl.addAddress("a0" + id, ip("1"), 24);
        List<Rtnetlink.Link> links = hostNl.links();
        assertThat(links).hasSize(1 + 2 * pairs);
        assertThat(links).extracting(Rtnetlink.Link::name).contains("lo", "a0" + id, "b" + (pairs - 1) + id);
        assertThat(links).extracting(Rtnetlink.Link::index).doesNotHaveDuplicates();
        assertThat(hostNl.addresses("a0" + id)).hasSize(1);
        assertThat(hostNl.addresses("a1" + id)).isEmpty();
        assertThat(hostNl.routes()).containsExactly(
                new Rtnetlink.Route(ip("0"), 24, null, hostNl.linkIndex("a0" + id).orElseThrow(), ip("1")));
    }

    @Test
    void measureOneContainersNetworkSetup() throws Exception {
        hostNl.addBridge(bridge);
        hostNl.setUp(bridge);
        hostNl.addAddress(bridge, ip("1"), 24);
        List<NetNamespace> boxes = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                long t0 = System.nanoTime();
                NetNamespace c = NetNamespace.create(dir.resolve("c" + i));
                boxes.add(c);
                long t1 = System.nanoTime();
                String hostEnd = "vm" + i + id;
                hostNl.addVeth(hostEnd, "eth0", c);
                long t2 = System.nanoTime();
                hostNl.setMaster(hostEnd, bridge);
                hostNl.setUp(hostEnd);
                long t3 = System.nanoTime();
                try (Rtnetlink inside = Rtnetlink.openIn(c)) {
                    long t4 = System.nanoTime();
                    inside.addAddress("eth0", ip(String.valueOf(10 + i)), 24);
                    inside.setUp("eth0");
                    long t5 = System.nanoTime();
                    inside.addRoute(null, 0, ip("1"), "eth0");
                    long t6 = System.nanoTime();
                    System.out.printf("container network %2d: netns %.2f ms, veth %.2f ms, master+up %.2f ms, "
                                    + "open inside %.2f ms, address+up %.2f ms, route %.2f ms: total %.2f ms%n", i,
                            ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(t5 - t4), ms(t6 - t5), ms(t6 - t0));
                }
            }
        } finally {
            for (NetNamespace c : boxes) {
                c.delete();
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
