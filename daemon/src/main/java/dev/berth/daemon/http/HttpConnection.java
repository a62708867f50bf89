package dev.berth.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One client connection, on its event loop: it turns decoded HTTP into {@link Exchange}s, one at
 * a time, and after a hijack passes the raw bytes through.
 *
 * <pre>
 *   request head ──▶ route ──▶ Exchange (handler on a worker thread)
 *   body chunks  ──▶ the exchange's body stream (backpressure through the ReadGate)
 *   last chunk   ──▶ hijacking route? remove the decoder: later bytes are the raw stream
 *   handler done ──▶ keep-alive? next request (pipelined ones wait in {@code pending}) : close
 * </pre>
 *
 * The client closing its side (or the whole connection) cancels the running exchange, as Go's
 * server cancels a request's context: an event stream stops, an upload fails.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(HttpConnection.class.getName());
    /** Requests that arrive while one runs wait here; past this many, reading pauses. */
    private static final int PENDING_LIMIT = 64;

    private final Dispatcher dispatcher;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private final Object pendingHold = new Object();
    private ChannelHandlerContext ctx;
    private ReadGate gate;
    private Exchange current;
    /** After a hijack: where the client's bytes go. */
    private InboundStream raw;

    HttpConnection(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.gate = new ReadGate(ctx.channel());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        dispatcher.opened(this);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (raw != null) {
            if (msg instanceof ByteBuf b) {
                raw.offer(b);
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!pending.isEmpty() || (current != null && current.requestComplete())) {
            pending.add(msg);
            if (pending.size() == PENDING_LIMIT) {
                gate.hold(pendingHold);
            }
            return;
        }
        process(msg);
    }

    private void process(Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                start(req);
            }
            if (msg instanceof HttpContent content && current != null && !current.requestComplete()) {
                current.bodyReceived(content.content());
                if (content instanceof LastHttpContent) {
                    Exchange ex = current;
                    ex.requestEnded();
                    if (ex.hijacks() && !ex.isHandlerDone()) {
                        startRaw(ex);
                    } else if (ex.isHandlerDone()) {
                        finish(ex);
                    }
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            badRequest("malformed HTTP request: " + ErrorResponses.messageOf(req.decoderResult().cause()));
            return;
        }
        QueryStringDecoder qs;
        String path;
        try {
            qs = new QueryStringDecoder(req.uri());
            path = qs.path();
        } catch (IllegalArgumentException e) {
            badRequest("malformed request target: " + ErrorResponses.messageOf(e));
            return;
        }
        current = dispatcher.dispatch(this, ctx.channel(), req, path, qs.parameters(), gate);
    }

    /**
     * The request of a hijacking route is complete: stop parsing HTTP. Removing the decoder hands
     * what it had buffered beyond the request back to {@link #channelRead} as raw bytes.
     */
    private void startRaw(Exchange ex) {
        raw = ex.rawInput();
        if (ctx.pipeline().get(HttpServer.DECODER) != null) {
            ctx.pipeline().remove(HttpServer.DECODER);
        }
        if (ctx.pipeline().get(HttpServer.CONTINUE) != null) {
            ctx.pipeline().remove(HttpServer.CONTINUE);
        }
    }

    /** Any thread: the exchange's handler has returned and its response has been written. */
    void exchangeDone(Exchange ex) {
        inLoop(() -> {
            if (ex != current) {
                return;
            }
            ex.handlerDone();
            if (!ex.reusable() || dispatcher.stopping()) {
                closeAfterWrites();
            } else if (ex.requestComplete()) {
                finish(ex);
            }
            // else: the rest of the body is read and dropped first; the last chunk finishes it.
        });
    }

    /** The exchange is over and the connection stays: on to the next request. */
    private void finish(Exchange ex) {
        if (ex != current) {
            return;
        }
        current = null;
        if (!ex.reusable() || dispatcher.stopping()) {
            closeAfterWrites();
            return;
        }
        while (!pending.isEmpty() && (current == null || !current.requestComplete()) && ctx.channel().isActive()) {
            process(pending.poll());
        }
        if (pending.size() < PENDING_LIMIT) {
            gate.release(pendingHold);
        }
    }

    /** Any thread: the server is stopping; an idle connection closes now, a busy one after its answer. */
    void stopInLoop() {
        inLoop(this::stop);
    }

    /** Runs on the connection's event loop; once the server has stopped it, the connection is gone anyway. */
    private void inLoop(Runnable r) {
        try {
            ctx.channel().eventLoop().execute(r);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            ctx.channel().close();
        }
    }

    private void stop() {
        if (current == null) {
            ctx.close();
        } else if (raw != null) {
            // attach and exec sessions do not hold up a shutdown
            current.cancel();
            ctx.close();
        }
    }

    /** Any thread: closes the connection now, whatever it is doing. */
    void abort() {
        ctx.channel().close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (raw != null) {
                raw.end();
                return;
            }
            // As Go's server: a client that stops sending is gone; what it asked for is cancelled.
            if (current != null) {
                current.cancel();
            }
            if (current == null || current.isHandlerDone()) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        dispatcher.closed(this);
        if (current != null) {
            current.cancel();
        }
        if (raw != null) {
            raw.end();
        }
        Object m;
        while ((m = pending.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets, broken pipes and failed TLS handshakes are the client's business.
        LOG.fine(() -> "connection " + ctx.channel().remoteAddress() + ": " + ErrorResponses.messageOf(cause));
        if (current != null) {
            current.cancel();
        }
        ctx.close();
    }

    private void closeAfterWrites() {
        ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void badRequest(String message) {
        byte[] body;
        try {
            body = (Json.MAPPER.writeValueAsString(java.util.Map.of("message", message)) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            body = "{\"message\":\"bad request\"}\n".getBytes(StandardCharsets.UTF_8);
        }
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        // Whatever follows on this connection cannot be trusted to be framed right.
        raw = new InboundStream(gate);
        raw.close();
    }
}
