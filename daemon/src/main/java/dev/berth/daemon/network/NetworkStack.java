package dev.berth.daemon.network;

import dev.berth.daemon.events.EventBus;
import dev.berth.linux.Nftables;
import dev.berth.linux.Rtnetlink;
import dev.berth.network.dns.EmbeddedDns;
import dev.berth.network.ipam.Ipam;
import dev.berth.network.nat.NetworkFirewall;
import dev.berth.network.proxy.PortAllocator;
import dev.berth.network.proxy.PortProxy;
import dev.berth.network.proxy.ProxyTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's networking, put together and brought in line with what the records say: the
 * predefined networks, every bridge and table, and the sandboxes of containers that a previous
 * daemon left running (their proxies and DNS served again). {@link #networks()} is the Network
 * tag's backend, {@link #sandboxes()} what the containers use.
 */
public final class NetworkStack implements AutoCloseable {
    private final NetworkService networks;
    private final Sandboxes sandboxes;
    private final List<AutoCloseable> parts;

    private NetworkStack(NetworkService networks, Sandboxes sandboxes, List<AutoCloseable> parts) {
        this.networks = networks;
        this.sandboxes = sandboxes;
        this.parts = parts;
    }

    /**
     * Opens the stores under {@code <data-root>/network} and {@code <exec-root>}, the netlink and
     * nftables handles (in the daemon's own network namespace), the proxy's event loop and the DNS.
     */
    public static NetworkStack open(Path dataRoot, Path execRoot, NetworkDefaults defaults, EventBus events,
            ContainerDirectory containers) throws IOException {
        if (!Nftables.isAvailable()) {
            throw new IOException("libnftables.so.1 is missing: install Debian's nftables package (scripts/install-deps)");
        }
        List<AutoCloseable> parts = new ArrayList<>();
        try {
            NetworkStore store = NetworkStore.open(dataRoot.resolve("network").resolve("networks"));
            Nftables nft = Nftables.open();
            parts.add(nft);
            NetworkFirewall firewall = new NetworkFirewall(nft);
            BridgePlumbing plumbing = new BridgePlumbing(Rtnetlink.open(), firewall);
            parts.add(plumbing);
            // nothing of its own on disk: the network records hold the subnets and each running
            // container's sandbox record its addresses, written before they are used; both are
            // registered again below
            Ipam ipam = Ipam.inMemory(defaults.pools(), plumbing::hostRoutes);
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            parts.add(() -> group.shutdownGracefully().syncUninterruptibly());
            PortPublisher ports = new PortPublisher(new PortProxy(ProxyTransport.nio(group)), new PortAllocator(), firewall);
            parts.add(ports);
            ContainerDns dns = new ContainerDns(new EmbeddedDns(EmbeddedDns.hostResolvers(Path.of("/etc/resolv.conf"))));
            parts.add(dns);
            Sandboxes sandboxes = new Sandboxes(store, ipam, plumbing, ports, dns, execRoot);
            NetworkService service = new NetworkService(store, ipam, plumbing, sandboxes, containers, events, defaults);
            service.registerSubnets();
            service.predefine();
            service.reconcile();
            sandboxes.restore();
            return new NetworkStack(service, sandboxes, List.copyOf(parts.reversed()));
        } catch (IOException | RuntimeException e) {
            closeAll(parts.reversed());
            throw e;
        }
    }

    public NetworkService networks() {
        return networks;
    }

    public Sandboxes sandboxes() {
        return sandboxes;
    }

    /** Stops serving proxies and DNS; the kernel objects stay for the containers, which outlive the daemon. */
    @Override
    public void close() {
        closeAll(parts);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable p : parts) {
            try {
                p.close();
            } catch (Exception e) {
                System.getLogger(NetworkStack.class.getName()).log(System.Logger.Level.WARNING,
                        "close " + p + ": " + e.getMessage());
            }
        }
    }
}
