package dev.berth.daemon.network;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.linux.MacAddress;
import dev.berth.linux.NetNamespace;
import dev.berth.linux.Rtnetlink;
import dev.berth.network.ipam.Subnet;
import dev.berth.network.nat.NetworkFirewall;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.List;

/**
 * The kernel side of bridge networks, all in-process: the bridge and its gateway address through
 * rtnetlink, the network's nftables table ({@link NetworkFirewall}), and per container a veth
 * pair whose peer is created directly inside the container's namespace with its final name,
 * then given its address and default route there. Nothing is exec'd.
 */
final class BridgePlumbing implements AutoCloseable {
    private final Rtnetlink host;
    private final NetworkFirewall firewall;
    private volatile boolean forwarding;

    BridgePlumbing(Rtnetlink host, NetworkFirewall firewall) {
        this.host = host;
        this.firewall = firewall;
    }

    /** The network's bridge with its gateway address, up, and its table; what exists already is kept. */
    synchronized void ensureBridge(Network n) {
        Subnet subnet = Subnet.parse(n.subnet());
        Inet4Address gateway = NetworkService.address(n.gateway(), "gateway");
        try {
            if (host.link(n.bridge()).isEmpty()) {
                host.addBridge(n.bridge());
                // a bridge takes the lowest MAC of its ports unless it has one of its own, so its
                // address would change as containers come and go (and be 0 with none): a fixed
                // random one, as libnetwork gives its bridges
                host.setMacAddress(n.bridge(), randomMac());
            }
            boolean addressed = host.addresses(n.bridge()).stream()
                    .anyMatch(a -> a.address().equals(gateway) && a.prefixLength() == subnet.prefixLength());
            if (!addressed) {
                host.addAddress(n.bridge(), gateway, subnet.prefixLength());
            }
            host.setUp(n.bridge());
            firewall.addNetwork(n.bridge(), subnet.toString(), n.internal());
            if (!forwarding) {
                firewall.enableForwarding();
                forwarding = true;
            }
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "set up bridge " + n.bridge() + " of network " + n.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A random unicast, locally administered MAC address. */
    private static byte[] randomMac() {
        byte[] mac = new byte[6];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(mac);
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02);
        return mac;
    }

    /** The network's table and bridge, gone; what is gone already is no error. */
    synchronized void removeBridge(Network n) {
        try {
            firewall.removeNetwork(n.bridge());
            host.deleteLinkIfPresent(n.bridge());
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "remove bridge " + n.bridge() + " of network " + n.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Removes Berth tables whose bridge no longer exists (a network removed while a daemon was
     * killed half way); a table whose bridge is there may be another berthd's, and stays.
     */
    synchronized void removeOrphanTables(List<String> ours) {
        try {
            for (String bridge : firewall.bridges()) {
                if (!ours.contains(bridge) && host.link(bridge).isEmpty()) {
                    firewall.removeNetwork(bridge);
                }
            }
        } catch (IOException e) {
            System.getLogger(BridgePlumbing.class.getName()).log(System.Logger.Level.WARNING,
                    "remove the tables of removed networks: " + e.getMessage());
        }
    }

    /**
     * The container's interface on {@code n}: a veth pair into the bridge, the peer named
     * {@code e.interfaceName()} inside {@code ns} with the endpoint's address, up, and the default
     * route through the gateway when {@code route}. The endpoint with the peer's MAC address.
     */
    SandboxRecord.Endpoint plug(NetNamespace ns, Network n, SandboxRecord.Endpoint e, boolean route) {
        Inet4Address address = NetworkService.address(e.address(), "IPv4");
        MacAddress mac = macFor(address);
        try {
            synchronized (this) {
                host.addVethInBridge(e.hostInterface(), n.bridge(), e.interfaceName(), ns, mac);
            }
            try (Rtnetlink inside = Rtnetlink.openIn(ns)) {
                inside.setUp(e.interfaceName());
                inside.addAddress(e.interfaceName(), address, e.prefixLength());
                if (route) {
                    inside.addRoute(null, 0, NetworkService.address(e.gateway(), "gateway"), e.interfaceName());
                }
            }
            return e.withMac(mac.toString());
        } catch (IOException ex) {
            throw new ApiException(ErrorKind.INTERNAL, "connect to network " + n.name() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * 02:42 and the address, as dockerd made them for years: unique on the network, and known
     * without asking the kernel (also by a restarted daemon).
     */
    static MacAddress macFor(Inet4Address address) {
        byte[] a = address.getAddress();
        return MacAddress.of(new byte[] {0x02, 0x42, a[0], a[1], a[2], a[3]});
    }

    /** The destinations of the host's routes (not the default route), which a new network's subnet must not cover. */
    synchronized List<Subnet> hostRoutes() {
        try {
            return host.routes().stream().filter(r -> r.destination() != null && r.prefixLength() > 0)
                    .map(r -> Subnet.enclosing(r.destination(), r.prefixLength())).toList();
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "list the host's routes: " + e.getMessage(), e);
        }
    }

    /** Removes the host end of a container's veth pair, which takes its peer with it. */
    synchronized void unplug(String hostInterface) {
        try {
            host.deleteLinkIfPresent(hostInterface);
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "remove " + hostInterface + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        host.close();
    }
}
