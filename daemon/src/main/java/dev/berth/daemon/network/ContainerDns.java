package dev.berth.daemon.network;

import dev.berth.linux.NetNamespace;
import dev.berth.network.dns.EmbeddedDns;
import dev.berth.network.dns.NameLookup;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The embedded DNS as containers on user networks reach it: {@code 127.0.0.11:53} inside each
 * container's own namespace, as in Docker. The sockets are made by a thread that entered the
 * namespace, so they stay bound there, and one {@link EmbeddedDns} event loop serves them all;
 * no rule inside the container redirects anything.
 */
final class ContainerDns implements AutoCloseable {
    private static final InetSocketAddress LISTEN = new InetSocketAddress(loopback11(), 53);

    private final EmbeddedDns server;
    private final Map<String, EmbeddedDns.Registration> registrations = new ConcurrentHashMap<>();

    ContainerDns(EmbeddedDns server) {
        this.server = server;
    }

    private static InetAddress loopback11() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 11});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What one container can resolve, read from the live sandboxes at each query: name (lower
     * case) to addresses.
     */
    record Names(Supplier<Map<String, List<String>>> table) implements NameLookup {
        @Override
        public List<Inet4Address> lookup(String name) {
            List<Inet4Address> out = new ArrayList<>();
            for (String a : table.get().getOrDefault(name, List.of())) {
                out.add(NetworkService.address(a, "IPv4"));
            }
            return out;
        }

        @Override
        public Optional<String> reverse(Inet4Address address) {
            String a = address.getHostAddress();
            return table.get().entrySet().stream().filter(e -> e.getValue().contains(a)).map(Map.Entry::getKey)
                    .findFirst();
        }
    }

    /** Starts serving the container in {@code ns}, forwarding other names to {@code upstreams}. */
    void register(String containerId, NetNamespace ns, Names names, List<InetSocketAddress> upstreams) {
        DatagramChannel udp;
        ServerSocketChannel tcp;
        try {
            Object[] channels = ns.call(() -> {
                DatagramChannel u = DatagramChannel.open(StandardProtocolFamily.INET);
                ServerSocketChannel t = ServerSocketChannel.open(StandardProtocolFamily.INET);
                try {
                    u.bind(LISTEN);
                    t.bind(LISTEN);
                } catch (Exception e) {
                    u.close();
                    t.close();
                    throw e;
                }
                return new Object[] {u, t};
            });
            udp = (DatagramChannel) channels[0];
            tcp = (ServerSocketChannel) channels[1];
        } catch (Exception e) {
            throw new IllegalStateException("embedded dns for " + containerId + ": listen on 127.0.0.11:53: "
                    + e.getMessage(), e);
        }
        EmbeddedDns.Registration previous = registrations.put(containerId, server.serve(udp, tcp, names, upstreams));
        if (previous != null) {
            previous.close();
        }
    }

    void unregister(String containerId) {
        EmbeddedDns.Registration r = registrations.remove(containerId);
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void close() {
        registrations.values().forEach(EmbeddedDns.Registration::close);
        registrations.clear();
        server.close();
    }
}
