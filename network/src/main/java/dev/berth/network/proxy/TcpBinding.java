package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A published TCP port: a listener that, for each accepted connection, connects to the target
 * and joins the two with a pair of {@link TcpRelay}s. The accepted connection is not read until
 * the target has answered (auto-read off), so nothing is buffered for a target that may never
 * come; a target that refuses or cannot be reached gets the client's connection closed.
 */
final class TcpBinding implements ProxyBinding {
    private final Channel listener;
    private final InetSocketAddress target;
    private final ChannelGroup connections;

    private TcpBinding(Channel listener, InetSocketAddress target, ChannelGroup connections) {
        this.listener = listener;
        this.target = target;
        this.connections = connections;
    }

    static TcpBinding open(ProxyTransport transport, InetSocketAddress host, InetSocketAddress target)
            throws IOException {
        ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(transport.group())
                .channelFactory(transport.tcpServer())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new Connector(transport, target, connections));
        Channel listener = PortProxy.bind(b.bind(host), Protocol.TCP, host);
        return new TcpBinding(listener, target, connections);
    }

    @Override
    public Protocol protocol() {
        return Protocol.TCP;
    }

    @Override
    public InetSocketAddress hostAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public InetSocketAddress target() {
        return target;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        PortProxy.awaitDeregistered(listener);
        connections.close().awaitUninterruptibly();
    }

    /** Runs on each accepted connection once it is active: dials the target, then relays. */
    @ChannelHandler.Sharable
    private static final class Connector extends ChannelInboundHandlerAdapter {
        private final ProxyTransport transport;
        private final InetSocketAddress target;
        private final ChannelGroup connections;

        Connector(ProxyTransport transport, InetSocketAddress target, ChannelGroup connections) {
            this.transport = transport;
            this.target = target;
            this.connections = connections;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            connections.add(client);
            Bootstrap b = new Bootstrap()
                    .group(client.eventLoop())
                    .channelFactory(transport.tcpClient())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new TcpRelay(client));
            ChannelFuture connect = b.connect(target);
            connect.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    client.close();
                    return;
                }
                Channel server = f.channel();
                if (!client.isActive()) {
                    server.close();
                    return;
                }
                connections.add(server);
                client.pipeline().addLast(new TcpRelay(server));
                client.config().setAutoRead(true);
                server.config().setAutoRead(true);
            });
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
        }
    }
}
