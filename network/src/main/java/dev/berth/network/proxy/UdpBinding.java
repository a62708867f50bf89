package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A published UDP port. UDP has no connections, so the proxy makes one flow per client address:
 * a socket of its own, connected to the target, that carries that client's datagrams there and
 * the target's replies back to that client through the listening socket. A flow with no traffic
 * either way for the idle timeout (dockerd's userland proxy uses 90 s) is closed, and the
 * client's next datagram opens a new one.
 *
 * <p>Datagrams are never queued behind a full socket: one that meets a flow that is not
 * writable is dropped, as the network would drop it.
 */
final class UdpBinding implements ProxyBinding {
    private static final Logger LOG = Logger.getLogger(UdpBinding.class.getName());
    /**
     * The largest UDP payload over IPv4 (65535 - 8 - 20), dockerd's UDPBufSize. Netty reads
     * datagrams into 2048-byte buffers by default and silently cuts longer ones.
     */
    static final int MAX_DATAGRAM = 65507;

    private final Channel listener;
    private final InetSocketAddress target;
    private final Map<InetSocketAddress, ChannelFuture> flows;

    private UdpBinding(Channel listener, InetSocketAddress target, Map<InetSocketAddress, ChannelFuture> flows) {
        this.listener = listener;
        this.target = target;
        this.flows = flows;
    }

    static UdpBinding open(ProxyTransport transport, InetSocketAddress host, InetSocketAddress target,
            Duration idleTimeout) throws IOException {
        Map<InetSocketAddress, ChannelFuture> flows = new ConcurrentHashMap<>();
        Bootstrap b = new Bootstrap()
                .group(transport.group())
                .channelFactory(transport.udp())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new Listener(transport, target, idleTimeout, flows));
        Channel listener = PortProxy.bind(b.bind(host), Protocol.UDP, host);
        return new UdpBinding(listener, target, flows);
    }

    @Override
    public Protocol protocol() {
        return Protocol.UDP;
    }

    @Override
    public InetSocketAddress hostAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public InetSocketAddress target() {
        return target;
    }

    /** How many client flows are open now. */
    int flowCount() {
        return flows.size();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        PortProxy.awaitDeregistered(listener);
        for (ChannelFuture flow : flows.values()) {
            flow.channel().close().awaitUninterruptibly();
        }
        flows.clear();
    }

    /** Takes each datagram on the published port to its client's flow, opening the flow if needed. */
    private static final class Listener extends SimpleChannelInboundHandler<DatagramPacket> {
        private final ProxyTransport transport;
        private final InetSocketAddress target;
        private final Duration idleTimeout;
        private final Map<InetSocketAddress, ChannelFuture> flows;

        Listener(ProxyTransport transport, InetSocketAddress target, Duration idleTimeout,
                Map<InetSocketAddress, ChannelFuture> flows) {
            this.transport = transport;
            this.target = target;
            this.idleTimeout = idleTimeout;
            this.flows = flows;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress client = packet.sender();
            // flows are only added here, on the listener's event loop, so get-then-put is safe
            ChannelFuture flow = flows.get(client);
            if (flow == null) {
                ChannelFuture opened = openFlow(ctx.channel(), client);
                flows.put(client, opened);
                opened.channel().closeFuture().addListener(f -> flows.remove(client, opened));
                flow = opened;
            }
            ByteBuf content = packet.content().retain();
            if (flow.isDone()) {
                send(flow, content);
            } else {
                flow.addListener((ChannelFutureListener) f -> send(f, content));
            }
        }

        private static void send(ChannelFuture flow, ByteBuf content) {
            Channel ch = flow.channel();
            if (flow.isSuccess() && ch.isActive() && ch.isWritable()) {
                ch.writeAndFlush(content, ch.voidPromise());
            } else {
                content.release();
            }
        }

        private ChannelFuture openFlow(Channel listener, InetSocketAddress client) {
            Bootstrap b = new Bootstrap()
                    .group(listener.eventLoop())
                    .channelFactory(transport.udp())
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(
                                    new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                    new Flow(listener, client));
                        }
                    });
            // connect(2) on a UDP socket: only the target's datagrams arrive on it
            return b.connect(target);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.FINE, "udp proxy listener " + ctx.channel() + ": " + cause, cause);
        }
    }

    /** The target's side of one client's flow: replies go back to that client. */
    private static final class Flow extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Channel listener;
        private final InetSocketAddress client;

        Flow(Channel listener, InetSocketAddress client) {
            this.listener = listener;
            this.client = client;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
            if (listener.isActive() && listener.isWritable()) {
                listener.writeAndFlush(new DatagramPacket(reply.content().retain(), client), listener.voidPromise());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ECONNREFUSED from an ICMP port unreachable: the target is not listening (yet);
            // the next datagram from the client opens a fresh flow
            LOG.log(Level.FINE, "udp proxy flow " + ctx.channel() + ": " + cause, cause);
            ctx.close();
        }
    }
}
