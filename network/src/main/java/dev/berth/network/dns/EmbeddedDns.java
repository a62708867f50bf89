package dev.berth.network.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The DNS server that containers on a user network reach at 127.0.0.11, as Docker's embedded
 * DNS. It answers A queries for the names a container's {@link NameLookup} knows (container
 * names, network aliases, short ids), PTR queries for their addresses, an empty NOERROR for any
 * other type of a known name, and forwards everything else to upstream resolvers: UDP first,
 * TCP when the answer is truncated, the next upstream after a timeout or failure, SERVFAIL when
 * none answers.
 *
 * <p>The server never binds anything itself. The daemon creates a UDP socket and a TCP
 * listening socket bound to 127.0.0.11:53 from a thread that entered the container's network
 * namespace (the sockets stay in that namespace) and hands them to {@link #serve}; closing the
 * returned {@link Registration} stops serving them and closes them. All containers share one
 * event-loop thread, started by the constructor: construct the server in the daemon's own
 * network namespace, where the upstream resolvers are reachable, since the loop opens its
 * forwarding sockets there.
 */
public final class EmbeddedDns implements AutoCloseable {
    /** How long one upstream gets to answer one query before the next is tried (Docker: 4 s). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(4);

    /** What {@link #serve} returns: closing it stops serving the container's channels and closes them. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final List<InetSocketAddress> upstreams;
    private final Duration timeout;
    private final EventLoop loop = new EventLoop("berth-dns");
    private final SecureRandom random = new SecureRandom();
    private final InFlight inFlight = new InFlight(InFlight.DEFAULT_LIMIT);
    private volatile boolean closed;

    /**
     * @param upstreams where unknown names go, in order of preference; empty means every such
     *     query is answered with SERVFAIL
     * @param timeout how long each upstream gets for each query
     */
    public EmbeddedDns(List<InetSocketAddress> upstreams, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("embedded dns: timeout must be positive, not " + timeout);
        }
        this.upstreams = List.copyOf(upstreams);
        this.timeout = timeout;
        loop.execute(Answers::warmUp);
    }

    public EmbeddedDns(List<InetSocketAddress> upstreams) {
        this(upstreams, DEFAULT_TIMEOUT);
    }

    /** The upstream resolvers this server forwards to when a registration names none of its own. */
    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /**
     * Serves one container's channels with the server's upstreams.
     *
     * @param udp a bound datagram channel (127.0.0.11:53 in the container's namespace)
     * @param tcp a bound listening channel at the same address, or null to serve UDP only
     */
    public Registration serve(DatagramChannel udp, ServerSocketChannel tcp, NameLookup names) {
        return serve(udp, tcp, names, upstreams);
    }

    /**
     * Serves one container's channels, forwarding to {@code upstreams}: the container's own
     * {@code --dns} servers, which replace the host's for it as they do in Docker.
     */
    public Registration serve(DatagramChannel udp, ServerSocketChannel tcp, NameLookup names,
            List<InetSocketAddress> upstreams) {
        Objects.requireNonNull(udp, "udp");
        Objects.requireNonNull(names, "names");
        if (closed) {
            throw new IllegalStateException("embedded dns: serve " + localAddress(udp) + ": server is closed");
        }
        ContainerResolver resolver = new ContainerResolver(loop, udp, tcp, names, upstreams, timeout, random,
                inFlight);
        loop.call(() -> {
            try {
                resolver.start();
            } catch (IOException e) {
                resolver.close();
                throw new UncheckedIOException("embedded dns: serve " + localAddress(udp) + ": " + e.getMessage(), e);
            }
        });
        return resolver;
    }

    /**
     * The nameservers of the host's resolv.conf that a container's queries can be forwarded
     * to, port 53: loopback ones (systemd-resolved's 127.0.0.53, a local dnsmasq) are left out,
     * as Docker leaves them out. A missing or unreadable file gives none.
     */
    public static List<InetSocketAddress> hostResolvers(Path resolvConf) {
        String text;
        try {
            text = Files.readString(resolvConf);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            System.getLogger(EmbeddedDns.class.getName())
                    .log(System.Logger.Level.WARNING, "embedded dns: read {0}: {1}", resolvConf, e.getMessage());
            return List.of();
        }
        return ResolvConf.parse(text).reachableNameservers().stream()
                .map(address -> new InetSocketAddress(address, 53))
                .toList();
    }

    /** Stops the event loop and closes every channel still served. */
    @Override
    public void close() {
        closed = true;
        loop.close();
    }

    private static String localAddress(DatagramChannel udp) {
        try {
            return String.valueOf(udp.getLocalAddress());
        } catch (IOException e) {
            return "udp channel";
        }
    }
}
