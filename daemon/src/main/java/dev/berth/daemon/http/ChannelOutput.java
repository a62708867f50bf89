package dev.berth.daemon.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Bytes to the client as a blocking {@link OutputStream}: the chunks of a streamed response body,
 * or after a hijack the raw stream. Every write goes out at once (callers that write small pieces
 * wrap this in a buffer and flush per message). When the socket is slower than the writer,
 * Netty's outbound buffer passes its high-water mark and the writer waits for it to drain: a
 * {@code docker save} of many gigabytes uses a bounded amount of memory.
 */
final class ChannelOutput extends OutputStream {
    private final Channel channel;
    private final boolean httpChunks;
    private final boolean discard;
    private ChannelFuture last;
    private boolean closed;

    /**
     * @param httpChunks wrap writes as HTTP content (the response encoder frames them); false after a hijack
     * @param discard    accept and drop writes (the body of a HEAD response)
     */
    ChannelOutput(Channel channel, boolean httpChunks, boolean discard) {
        this.channel = channel;
        this.httpChunks = httpChunks;
        this.discard = discard;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0 || discard) {
            return;
        }
        checkLast();
        ByteBuf buf = channel.alloc().buffer(len).writeBytes(b, off, len);
        last = channel.writeAndFlush(httpChunks ? new DefaultHttpContent(buf) : buf);
        if (!channel.isWritable()) {
            await(last);
        }
        checkLast();
    }

    /** Ends the body (HTTP) or half-closes the connection's write side (hijacked). */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (httpChunks) {
            last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            await(last);
        } else if (last != null) {
            await(last);
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void checkLast() throws IOException {
        if (last != null && last.isDone() && !last.isSuccess()) {
            throw new IOException("connection closed: " + ErrorResponses.messageOf(last.cause()), last.cause());
        }
        if (!channel.isActive()) {
            throw new IOException("connection closed");
        }
    }

    private static void await(ChannelFuture f) throws IOException {
        try {
            f.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to the client");
        }
        if (!f.isSuccess()) {
            throw new IOException("connection closed: " + ErrorResponses.messageOf(f.cause()), f.cause());
        }
    }
}
