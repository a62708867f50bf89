package dev.berth.daemon.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * The socket transports, chosen per kind of address because each Netty 4.2.18 transport falls
 * short somewhere, and attach and exec need TCP half-close: the docker CLI shuts down its
 * sending side when stdin ends and keeps reading the container's output.
 *
 * <ul>
 *   <li><b>Unix sockets: epoll.</b> Netty's NIO domain-socket channel cannot half-close (it has
 *       no {@code ALLOW_HALF_CLOSURE}; end of input closes the connection). epoll can, with one
 *       defect: when a channel's interest set empties, its registration removes the fd from epoll
 *       but keeps it marked as added, so a later {@code EPOLL_CTL_MOD} fails with {@code ENOENT}
 *       and Netty shuts the output. That happens only when a hijacked client has closed its side
 *       and the output then has to wait for the socket buffer; see the contract test
 *       {@code outputAfterTheClientsEndOfInputSurvivesBackpressure}. Without the epoll library,
 *       NIO serves unix sockets without half-close.</li>
 *   <li><b>TCP: NIO</b>, which half-closes and has neither defect.</li>
 * </ul>
 *
 * {@code -Dberth.transport.unix=nio|epoll} and {@code -Dberth.transport.tcp=nio|epoll} override
 * the choice (tests run the contract on each).
 */
enum Transport {
    EPOLL, NIO;

    static Transport forUnix() {
        return pick(System.getProperty("berth.transport.unix", "epoll"));
    }

    static Transport forTcp() {
        return pick(System.getProperty("berth.transport.tcp", "nio"));
    }

    private static Transport pick(String asked) {
        return asked.equalsIgnoreCase("epoll") && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Why epoll is not available, for the log; null when it is. */
    static Throwable epollUnavailability() {
        return Epoll.unavailabilityCause();
    }

    /** Whether connections of this transport and kind of address can half-close. */
    boolean halfCloses(ListenAddress address) {
        return this == EPOLL || address instanceof ListenAddress.Tcp;
    }

    IoHandlerFactory ioHandlers() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerChannel> tcpChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends ServerChannel> unixChannel() {
        return this == EPOLL ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }

    SocketAddress unixAddress(Path path) {
        return this == EPOLL ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }
}
