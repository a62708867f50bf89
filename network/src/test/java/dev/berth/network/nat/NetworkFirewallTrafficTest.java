package dev.berth.network.nat;

import dev.berth.network.Protocol;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.linux.Nftables;
import dev.berth.linux.testing.NftablesTestNetns;
import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real packets through the firewall's tables, all between namespaces the test makes:
 *
 * <pre>
 *  client 10.201.9.2 ── vk 10.201.9.1 ┐
 *                                     host ── br1 10.201.1.1 ── c1 10.201.1.2   network 1
 *                                          ── br2 10.201.2.1 ── c2 10.201.2.2   network 2
 *                                          ── br3 10.201.3.1 ── c3 10.201.3.2   network 3, internal
 * </pre>
 *
 * The client routes 10.201.0.0/16 through the host, so it could reach every container if the
 * tables let it; the containers' default route is their bridge's address.
 */
@RequiresRoot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkFirewallTrafficTest {
    private final List<NftablesTestNetns> namespaces = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private NftablesTestNetns host;
    private NftablesTestNetns client;
    private NftablesTestNetns c1;
    private NftablesTestNetns c2;
    private NftablesTestNetns c3;
    private Nftables nft;
    private NetworkFirewall firewall;

    @BeforeAll
    void makeTheNamespaces() throws IOException {
        host = netns("berth-h");
        client = netns("berth-k");
        c1 = netns("berth-c");
        c2 = netns("berth-c");
        c3 = netns("berth-c");
        bridge("br1", 1, c1);
        bridge("br2", 2, c2);
        bridge("br3", 3, c3);
        host.ip("link", "add", "vk", "type", "veth", "peer", "name", "eth0", "netns", client.name());
        host.ip("addr", "add", "10.201.9.1/24", "dev", "vk");
        host.ip("link", "set", "vk", "up");
        client.ip("addr", "add", "10.201.9.2/24", "dev", "eth0");
        client.ip("link", "set", "eth0", "up");
        client.ip("route", "add", "10.201.0.0/16", "via", "10.201.9.1");
        nft = host.call(Nftables::open);
        firewall = new NetworkFirewall(nft);
        host.call(firewall::enableForwarding);
    }

    @BeforeEach
    void addTheNetworks() throws IOException {
        firewall.addNetwork("br1", "10.201.1.0/24", false);
        firewall.addNetwork("br2", "10.201.2.0/24", false);
        firewall.addNetwork("br3", "10.201.3.0/24", true);
    }

    @AfterEach
    void stopTheServers() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
        servers.clear();
    }

    @AfterAll
    void removeTheNamespaces() throws IOException {
        IOException failure = null;
        if (nft != null) {
            nft.close();
        }
        for (NftablesTestNetns ns : namespaces.reversed()) {
            try {
                ns.close(); // with the host go its bridges and veths, and so their peers
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void aPublishedPortLeadsAClientToTheContainerUntilItIsUnpublished() throws IOException {
        serveTcp(c1, 80);
        PortMapping web = PortMapping.of(Protocol.TCP, 8080, ip("10.201.1.2"), 80);
        firewall.publish("br1", web);

        // DNAT rewrites only the destination: the container sees the client's own address
        assertThat(connect(client, "10.201.9.1", 8080)).isEqualTo("10.201.9.2");

        firewall.unpublish("br1", web);
        // nothing listens on the host's port 8080 itself: it answers with a reset
        assertThatThrownBy(() -> connect(client, "10.201.9.1", 8080)).isInstanceOf(ConnectException.class);
    }

    @Test
    void aPortPublishedOnOneHostAddressIsReachableThereOnly() throws IOException {
        serveTcp(c1, 80);
        firewall.publish("br1", new PortMapping(Protocol.TCP, ip("10.201.9.1"), 8081, ip("10.201.1.2"), 80));

        assertThat(connect(client, "10.201.9.1", 8081)).isEqualTo("10.201.9.2");
        assertThatThrownBy(() -> connect(c2, "10.201.2.1", 8081)).isInstanceOf(ConnectException.class);
    }

    @Test
    void udpIsPublishedToo() throws IOException {
        serveUdp(c1, 5353);
        firewall.publish("br1", PortMapping.of(Protocol.UDP, 53, ip("10.201.1.2"), 5353));

        assertThat(exchangeUdp(client, "10.201.9.1", 53)).isEqualTo("10.201.9.2");
    }

    @Test
    void containersReachOutsideWithTheHostsAddress() throws IOException {
        serveTcp(client, 9000);

        assertThat(connect(c1, "10.201.9.2", 9000)).isEqualTo("10.201.9.1");
    }

    @Test
    void outsidersAndOtherNetworksReachAContainerOnlyThroughPublishedPorts() throws IOException {
        serveTcp(c1, 80);
        firewall.publish("br1", PortMapping.of(Protocol.TCP, 8080, ip("10.201.1.2"), 80));

        assertThatThrownBy(() -> connect(client, "10.201.1.2", 80)).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> connect(c2, "10.201.1.2", 80)).isInstanceOf(SocketTimeoutException.class);
        // a container on another network may use a published port, through its own gateway;
        // its network masquerades it on the way out of br2, as Docker's rules do
        assertThat(connect(c2, "10.201.2.1", 8080)).isEqualTo("10.201.1.1");

        // and it is the table that kept them out: without it the routes let them in
        firewall.removeNetwork("br1");
        assertThat(connect(client, "10.201.1.2", 80)).isEqualTo("10.201.9.2");
    }

    @Test
    void nothingLeavesOrEntersAnInternalNetwork() throws IOException {
        serveTcp(client, 9000);
        serveTcp(c3, 80);
        firewall.publish("br3", PortMapping.of(Protocol.TCP, 8083, ip("10.201.3.2"), 80));

        assertThatThrownBy(() -> connect(c3, "10.201.9.2", 9000)).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> connect(client, "10.201.3.2", 80)).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> connect(client, "10.201.9.1", 8083)).isInstanceOf(ConnectException.class);

        firewall.removeNetwork("br3");
        // without masquerade the client sees the container's own address
        assertThat(connect(c3, "10.201.9.2", 9000)).isEqualTo("10.201.3.2");
    }

    private NftablesTestNetns netns(String prefix) throws IOException {
        NftablesTestNetns ns = NftablesTestNetns.create(prefix);
        namespaces.add(ns);
        return ns;
    }

    /** A bridge 10.201.n.1/24 in the host, and a container namespace on it at 10.201.n.2. */
    private void bridge(String name, int n, NftablesTestNetns container) throws IOException {
        host.ip("link", "add", name, "type", "bridge");
        host.ip("addr", "add", "10.201." + n + ".1/24", "dev", name);
        host.ip("link", "set", name, "up");
        String veth = "v" + name;
        host.ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", container.name());
        host.ip("link", "set", veth, "master", name, "up");
        container.ip("addr", "add", "10.201." + n + ".2/24", "dev", "eth0");
        container.ip("link", "set", "eth0", "up");
        container.ip("route", "add", "default", "via", "10.201." + n + ".1");
    }

    private void serveTcp(NftablesTestNetns ns, int port) throws IOException {
        servers.add(TrafficServers.tcp(ns, port));
    }

    private void serveUdp(NftablesTestNetns ns, int port) throws IOException {
        servers.add(TrafficServers.udp(ns, port));
    }

    /** Connects from {@code ns} and returns what the server answered: the address it saw us come from. */
    private static String connect(NftablesTestNetns ns, String address, int port) throws IOException {
        return ns.call(() -> TrafficServers.ask(new InetSocketAddress(address, port)));
    }

    private static String exchangeUdp(NftablesTestNetns ns, String address, int port) throws IOException {
        return ns.call(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(2000);
                byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(hello, hello.length, new InetSocketAddress(address, port)));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                s.receive(reply);
                return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
            }
        });
    }

    private static Inet4Address ip(String literal) throws IOException {
        return (Inet4Address) InetAddress.getByName(literal);
    }
}
