package dev.berth.network.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The Netty event loop group and channel kinds the proxy runs on. The network module only
 * depends on Netty's transport, so {@link #nio} is what it offers itself; berthd, which carries
 * the native epoll transport, passes its own group and the {@code Epoll*Channel} constructors.
 * The stream channels must be {@link io.netty.channel.socket.DuplexChannel}s (both NIO's and
 * epoll's are), because the proxy half-closes them.
 */
public record ProxyTransport(EventLoopGroup group, ChannelFactory<? extends ServerChannel> tcpServer,
        ChannelFactory<? extends Channel> tcpClient, ChannelFactory<? extends DatagramChannel> udp) {

    /** Java NIO channels on {@code group}, which must be a group of NIO event loops. */
    public static ProxyTransport nio(EventLoopGroup group) {
        return new ProxyTransport(group, NioServerSocketChannel::new, NioSocketChannel::new, NioDatagramChannel::new);
    }
}
