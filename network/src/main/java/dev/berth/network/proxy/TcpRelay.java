package dev.berth.network.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One direction of a proxied TCP connection: what arrives on this handler's channel is written
 * to the peer channel. Two relays, one on each side, make the connection.
 *
 * <p>Backpressure: when the peer's outbound buffer passes its high-water mark the relay stops
 * reading its own channel (auto-read off), and the peer's relay turns reading back on when the
 * buffer drains, so a fast sender and a slow receiver meet at the socket buffers instead of in
 * the daemon's heap.
 *
 * <p>Half-close: both channels allow half closure, so an end of input ({@code FIN}) arrives as
 * {@link ChannelInputShutdownEvent} and is passed on as a {@code shutdownOutput} of the peer,
 * after everything written before it has been flushed (Netty fails writes still queued when
 * the output is shut down). A channel whose input and output are both shut down is closed; an
 * error or a close on one side closes the other once its pending writes are out.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(TcpRelay.class.getName());

    private final Channel peer;

    TcpRelay(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            Channel self = ctx.channel();
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess() && peer instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput().addListener((ChannelFutureListener) s -> closeIfDone(peer));
                }
            });
            closeIfDone(self);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset from either end is ordinary; closing here closes the peer through channelInactive
        LOG.log(Level.FINE, "proxied connection " + ctx.channel() + ": " + cause, cause);
        ctx.close();
    }

    private static void closeIfDone(Channel channel) {
        if (channel instanceof DuplexChannel duplex && duplex.isShutdown()) {
            channel.close();
        }
    }
}
