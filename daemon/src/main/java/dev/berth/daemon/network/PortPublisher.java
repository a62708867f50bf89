package dev.berth.daemon.network;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.network.nat.NetworkFirewall;
import dev.berth.network.nat.PortMapping;
import dev.berth.network.proxy.PortAllocatedException;
import dev.berth.network.proxy.PortAllocator;
import dev.berth.network.proxy.PortProxy;
import dev.berth.network.Protocol;
import dev.berth.network.proxy.ProxyBinding;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published ports as dockerd makes them with its userland proxy on: the host port is held by a
 * proxy inside berthd (which serves connections from the host itself, 127.0.0.1 included, and
 * from containers), and a DNAT rule in the network's table sends traffic from elsewhere straight
 * to the container. Holding the port with a listening socket is also what makes a second
 * {@code -p 8080:…} fail with dockerd's {@code port is already allocated}.
 */
final class PortPublisher implements AutoCloseable {
    private final PortProxy proxy;
    private final PortAllocator allocator;
    private final NetworkFirewall firewall;
    private final Map<SandboxRecord.PublishedPort, ProxyBinding> bindings = new ConcurrentHashMap<>();

    PortPublisher(PortProxy proxy, PortAllocator allocator, NetworkFirewall firewall) {
        this.proxy = proxy;
        this.allocator = allocator;
        this.firewall = firewall;
    }

    /** Publishes {@code p} to {@code containerAddress} on {@code bridge}'s network; 500 with dockerd's words if the port is taken. */
    SandboxRecord.PublishedPort publish(PortRequest p, String containerAddress, String bridge) {
        Protocol protocol = Protocol.of(p.protocol());
        InetAddress hostIp = hostIp(p.hostIp());
        int hostPort = 0;
        ProxyBinding binding = null;
        try {
            if (p.hostPortFirst() == 0) {
                hostPort = allocator.allocate(protocol, hostIp);
                binding = open(protocol, hostIp, hostPort, containerAddress, p.containerPort());
            } else {
                PortAllocatedException last = null;
                for (int port = p.hostPortFirst(); port <= p.hostPortLast() && binding == null; port++) {
                    try {
                        allocator.reserve(protocol, hostIp, port);
                    } catch (PortAllocatedException e) {
                        last = e;
                        continue;
                    }
                    try {
                        binding = open(protocol, hostIp, port, containerAddress, p.containerPort());
                        hostPort = port;
                    } catch (PortAllocatedException e) {
                        allocator.release(protocol, hostIp, port);
                        last = e;
                    }
                }
                if (binding == null) {
                    throw last;
                }
            }
            SandboxRecord.PublishedPort published = new SandboxRecord.PublishedPort(p.protocol(), p.hostIp(), hostPort,
                    containerAddress, p.containerPort(), bridge);
            firewall.publish(bridge, mapping(published));
            bindings.put(published, binding);
            return published;
        } catch (IOException e) {
            if (binding != null) {
                binding.close();
            }
            if (hostPort != 0) {
                allocator.release(protocol, hostIp, hostPort);
            }
            throw new ApiException(ErrorKind.INTERNAL, "driver failed programming external connectivity: "
                    + e.getMessage(), e);
        }
    }

    private ProxyBinding open(Protocol protocol, InetAddress hostIp, int hostPort, String containerAddress,
            int containerPort) throws IOException {
        return proxy.open(protocol, hostIp, hostPort,
                new InetSocketAddress(NetworkService.address(containerAddress, "IPv4"), containerPort));
    }

    /** After a daemon restart: the proxy again (the DNAT rule stayed in the kernel; made again if not). */
    void restore(SandboxRecord.PublishedPort p) throws IOException {
        Protocol protocol = Protocol.of(p.protocol());
        InetAddress hostIp = hostIp(p.hostIp());
        allocator.reserve(protocol, hostIp, p.hostPort());
        bindings.put(p, open(protocol, hostIp, p.hostPort(), p.containerAddress(), p.containerPort()));
        if (!firewall.published(p.bridge()).contains(mapping(p))) {
            firewall.publish(p.bridge(), mapping(p));
        }
    }

    void unpublish(SandboxRecord.PublishedPort p) {
        ProxyBinding binding = bindings.remove(p);
        if (binding != null) {
            binding.close();
        }
        allocator.release(Protocol.of(p.protocol()), hostIp(p.hostIp()), p.hostPort());
        try {
            firewall.unpublish(p.bridge(), mapping(p));
        } catch (IOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "unpublish " + mapping(p) + ": " + e.getMessage(), e);
        }
    }

    /**
     * After a restart: DNAT entries on {@code bridges} that no sandbox in {@code live} claims
     * (published by a daemon killed before it recorded them), removed.
     */
    void removeOrphans(List<String> bridges, Collection<SandboxRecord> live) {
        Set<PortMapping> claimed = new HashSet<>();
        live.forEach(s -> s.ports().forEach(p -> claimed.add(mapping(p))));
        for (String bridge : bridges) {
            try {
                for (PortMapping m : firewall.published(bridge)) {
                    if (!claimed.contains(m)) {
                        firewall.unpublish(bridge, m);
                    }
                }
            } catch (IOException e) {
                System.getLogger(PortPublisher.class.getName()).log(System.Logger.Level.WARNING,
                        "remove stale published ports of " + bridge + ": " + e.getMessage());
            }
        }
    }

    private static PortMapping mapping(SandboxRecord.PublishedPort p) {
        return new PortMapping(Protocol.of(p.protocol()),
                p.hostIp().isEmpty() ? null : NetworkService.address(p.hostIp(), "host IP"), p.hostPort(),
                NetworkService.address(p.containerAddress(), "IPv4"), p.containerPort());
    }

    private static InetAddress hostIp(String ip) {
        if (ip == null || ip.isEmpty()) {
            return new InetSocketAddress(0).getAddress();
        }
        Inet4Address a = NetworkService.address(ip, "host IP");
        return a;
    }

    @Override
    public void close() {
        bindings.values().forEach(ProxyBinding::close);
        bindings.clear();
    }
}
