package dev.berth.daemon.http;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A hijacked connection: what the client sends after its request, and a stream back to it, with
 * no HTTP framing in either direction. attach and exec run their stdio over this (with Docker's
 * 8-byte stdcopy headers when there is no TTY). The client half-closes its side when its stdin
 * ends ({@link #input()} then reads EOF); {@link #closeWrite()} does the same for ours. The
 * connection is closed when the handler returns.
 */
public final class RawStreams {
    private final Channel channel;
    private final InputStream input;
    private final ChannelOutput output;

    RawStreams(Channel channel, InputStream input, ChannelOutput output) {
        this.channel = channel;
        this.input = input;
        this.output = output;
    }

    /** Bytes from the client. */
    public InputStream input() {
        return input;
    }

    /** Bytes to the client, sent as they are written. */
    public OutputStream output() {
        return output;
    }

    /** Tells the client that nothing more will come (TCP half-close; TLS close_notify first). */
    public void closeWrite() throws IOException {
        output.close();
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl != null) {
            ssl.closeOutbound();
        }
        if (channel instanceof DuplexChannel duplex) {
            try {
                duplex.shutdownOutput().await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while closing the stream");
            }
        }
    }
}
