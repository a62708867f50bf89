package dev.berth.daemon.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How a handler answers. Exactly one of the answering methods may be called, once:
 * <ul>
 *   <li>{@link #json}, {@link #text}, {@link #bytes}, {@link #noContent}: a whole body, sent at once;</li>
 *   <li>{@link #stream}: a body of any length, sent in chunks as it is written (docker save);</li>
 *   <li>{@link #jsonLines}: JSON messages, each sent as it is written (pull progress, events);</li>
 *   <li>{@link #hijack}: the connection itself, for attach and exec.</li>
 * </ul>
 * Before that, {@link #status} and {@link #header} set the status line and headers. A handler
 * that returns without answering sends {@code 200} with an empty body; a streamed body is ended
 * for it. The response is {@link #committed} once its head has been sent: after that a failure
 * can only close the connection.
 */
public final class Response {
    private enum State { NEW, SENT, STREAMING, HIJACKED }

    private static final int STREAM_BUFFER = 64 << 10;

    private final Exchange exchange;
    private final Channel channel;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private HttpResponseStatus status = HttpResponseStatus.OK;
    private State state = State.NEW;
    private OutputStream streamed;

    Response(Exchange exchange, Channel channel, HttpHeaders common) {
        this.exchange = exchange;
        this.channel = channel;
        this.headers.add(common);
    }

    public Response status(int code) {
        this.status = HttpResponseStatus.valueOf(code);
        return this;
    }

    public Response header(CharSequence name, Object value) {
        headers.set(name, value);
        return this;
    }

    public synchronized boolean committed() {
        return state != State.NEW;
    }

    /** A JSON body, with a trailing newline as Go's encoder writes it. */
    public void json(Object body) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(body);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        bytes("application/json", line);
    }

    public void json(int status, Object body) throws IOException {
        status(status);
        json(body);
    }

    /** A plain-text body. */
    public void text(String body) throws IOException {
        bytes("text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** 204: no body. */
    public void noContent() throws IOException {
        status(204);
        sendWhole(null, new byte[0]);
    }

    /** A whole body of the given type. */
    public void bytes(String contentType, byte[] body) throws IOException {
        sendWhole(contentType, body);
    }

    /**
     * A body of any length, sent in chunks: {@code flush()} sends what is buffered, {@code close()}
     * ends the body (the server ends it if the handler does not).
     */
    public OutputStream stream(String contentType) throws IOException {
        ChannelOutput out = startStream(contentType);
        streamed = new BufferedOutputStream(out, STREAM_BUFFER);
        return streamed;
    }

    /** JSON messages, each sent as it is written; {@code application/json-seq} frames them per RFC 7464. */
    public JsonLines jsonLines(String contentType) throws IOException {
        ChannelOutput out = startStream(contentType);
        streamed = out;
        return new JsonLines(out, contentType.startsWith("application/json-seq"));
    }

    /**
     * Takes over the connection (the route must be {@link Route#hijacking}). A client that asked
     * to upgrade ({@code Connection: Upgrade}, {@code Upgrade: tcp}) gets {@code 101 UPGRADED},
     * an older one {@code 200 OK}; either way no HTTP follows, in dockerd's words.
     */
    public RawStreams hijack(String contentType) throws IOException {
        if (!exchange.hijacks()) {
            throw new IllegalStateException("route " + exchange + " is not a hijacking route");
        }
        HttpResponse head;
        synchronized (this) {
            requireNew();
            state = State.HIJACKED;
        }
        if (exchange.wantsUpgrade()) {
            head = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(101, "UPGRADED"));
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                    .set(HttpHeaderNames.UPGRADE, "tcp");
        } else {
            head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        ChannelPromise sent = channel.newPromise();
        try {
            channel.eventLoop().execute(() -> {
                // Written through the encoder, which then leaves: from here on, bytes are bytes.
                channel.write(head, sent);
                if (channel.pipeline().get(HttpServer.ENCODER) != null) {
                    channel.pipeline().remove(HttpServer.ENCODER);
                }
                channel.flush();
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            throw new IOException("the daemon is stopping");
        }
        try {
            sent.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while upgrading the connection");
        }
        if (!sent.isSuccess()) {
            throw new IOException("connection closed: " + ErrorResponses.messageOf(sent.cause()), sent.cause());
        }
        ChannelOutput out = new ChannelOutput(channel, false, false);
        streamed = out;
        return new RawStreams(channel, exchange.rawInput(), out);
    }

    /** After the handler: answers for it if it did not, or ends its stream. */
    void finish() throws IOException {
        State s;
        synchronized (this) {
            s = state;
        }
        switch (s) {
            case NEW -> sendWhole(null, new byte[0]);
            case STREAMING -> streamed.close();
            case HIJACKED -> streamed.flush();
            case SENT -> { }
        }
    }

    /** After a failed handler whose response was not committed: Docker's error body. */
    void fail(Throwable t) throws IOException {
        status = ErrorResponses.status(ErrorResponses.kindOf(t));
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        json(ErrorResponses.body(t));
    }

    private void sendWhole(String contentType, byte[] body) throws IOException {
        synchronized (this) {
            requireNew();
            state = State.SENT;
        }
        boolean head = exchange.isHead();
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        r.headers().set(headers);
        if (contentType != null && !r.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (status.code() != 204 && status.code() != 304 && !r.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        keepAliveHeader(r);
        channel.writeAndFlush(r);
    }

    private ChannelOutput startStream(String contentType) throws IOException {
        synchronized (this) {
            requireNew();
            state = State.STREAMING;
        }
        DefaultHttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        r.headers().set(headers);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        if (exchange.chunkedAllowed()) {
            r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else {
            // An HTTP/1.0 client: the body ends when the connection does.
            exchange.closeAfterResponse();
        }
        keepAliveHeader(r);
        ChannelFuture f = channel.writeAndFlush(r);
        if (!channel.isWritable()) {
            f.awaitUninterruptibly();
        }
        return new ChannelOutput(channel, true, exchange.isHead());
    }

    private void keepAliveHeader(HttpResponse r) {
        if (!exchange.keepAlive()) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    private void requireNew() {
        if (state != State.NEW) {
            throw new IllegalStateException("response to " + exchange + " already " + state.name().toLowerCase());
        }
    }
}
