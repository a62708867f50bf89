package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * berthd's userland proxy for published ports. nftables DNAT carries traffic that comes from
 * other hosts; what it cannot carry is a connection to the published port from the host itself
 * ({@code curl 127.0.0.1:8080}: locally generated packets to loopback never pass PREROUTING)
 * and, without hairpin NAT, from a container to its own host port. For those, berthd listens on
 * the host port itself and relays to the container, as dockerd's {@code docker-proxy} does, but
 * in the daemon's own event loops instead of one process per port.
 *
 * <p>Holding the listening socket also reserves the port: a second {@code -p 8080:80} fails at
 * bind with dockerd's {@code Bind for 0.0.0.0:8080 failed: port is already allocated}, and so
 * does a port some other program holds.
 */
public final class PortProxy {
    /** dockerd's userland proxy closes a UDP flow after this long without traffic. */
    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofSeconds(90);

    private final ProxyTransport transport;
    private final Duration udpIdleTimeout;

    public PortProxy(ProxyTransport transport) {
        this(transport, DEFAULT_UDP_IDLE_TIMEOUT);
    }

    public PortProxy(ProxyTransport transport, Duration udpIdleTimeout) {
        this.transport = Objects.requireNonNull(transport, "transport");
        if (udpIdleTimeout.isNegative() || udpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("udp idle timeout " + udpIdleTimeout + ": it must be positive");
        }
        this.udpIdleTimeout = udpIdleTimeout;
    }

    /**
     * Listens on {@code hostIp:hostPort} ({@code 0.0.0.0} for all addresses) and relays to
     * {@code target}. Returns once the port is bound.
     *
     * @throws PortAllocatedException if the port is taken
     * @throws IOException if the bind fails otherwise (an address the host does not have)
     */
    public ProxyBinding open(Protocol protocol, InetAddress hostIp, int hostPort, InetSocketAddress target)
            throws IOException {
        if (hostPort < 1 || hostPort > 65535) {
            throw new IllegalArgumentException("invalid host port " + hostPort + ": it must be 1 to 65535");
        }
        InetSocketAddress host = new InetSocketAddress(hostIp, hostPort);
        return switch (protocol) {
            case TCP -> TcpBinding.open(transport, host, target);
            case UDP -> UdpBinding.open(transport, host, target, udpIdleTimeout);
        };
    }

    /**
     * Returns once a closed NIO channel's descriptor is really closed. The JDK closes a channel
     * that is registered with a selector only when that selector next selects (it deregisters
     * cancelled keys first): until then a closed listener still holds its port, and a bind right
     * after {@link ProxyBinding#close} failed with "address already in use". A task submitted
     * after the close runs after the event loop's next select, which did that.
     */
    static void awaitDeregistered(Channel closed) {
        if (closed.eventLoop().inEventLoop()) {
            return; // cannot wait for the loop from inside it; the close completes on its next select
        }
        closed.eventLoop().submit(() -> { }).awaitUninterruptibly();
    }

    /** Waits for a bind and turns its failure into the error the caller reports. */
    static Channel bind(ChannelFuture bind, Protocol protocol, InetSocketAddress host) throws IOException {
        bind.awaitUninterruptibly();
        if (bind.isSuccess()) {
            return bind.channel();
        }
        Throwable cause = bind.cause();
        if (cause instanceof BindException && String.valueOf(cause.getMessage()).contains("in use")) {
            throw new PortAllocatedException(host.getAddress(), host.getPort());
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        throw new IOException("bind " + protocol + " " + host.getAddress().getHostAddress() + ":" + host.getPort()
                + ": " + reason.toLowerCase(java.util.Locale.ROOT), cause);
    }
}
