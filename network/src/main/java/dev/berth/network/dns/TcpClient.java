package dev.berth.network.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One TCP connection to the embedded server. Messages are framed as RFC 1035 4.2.2 says, by a
 * two-byte length; a client may send several queries on one connection without waiting, and
 * answers go back in whatever order they are ready (RFC 7766 6.2.1.1). A connection with no
 * query in flight that stays silent for {@link #IDLE} is closed, so idle clients cannot pile up.
 */
final class TcpClient implements EventLoop.Handler {
    static final Duration IDLE = Duration.ofSeconds(10);
    /** Answers queued for a client that does not read them; past this it is cut off. */
    private static final int MAX_QUEUED = 64;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final ContainerResolver resolver;
    private final ByteBuffer in = ByteBuffer.allocate(2 + 65_535);
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private SelectionKey key;
    private EventLoop.Timer idle;
    private int pending;
    private boolean closed;

    TcpClient(EventLoop loop, SocketChannel channel, ContainerResolver resolver) {
        this.loop = loop;
        this.channel = channel;
        this.resolver = resolver;
    }

    void start() throws IOException {
        try {
            key = loop.register(channel, SelectionKey.OP_READ, this);
        } catch (IOException e) {
            close();
            throw e;
        }
        armIdle();
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
        if (key.isWritable()) {
            flush();
        }
        if (key.isValid() && key.isReadable()) {
            read();
        }
    }

    @Override
    public void failed(Exception cause) {
        close(); // reset by the peer, mostly
    }

    private void read() throws IOException {
        if (channel.read(in) < 0) {
            close();
            return;
        }
        armIdle();
        while (!closed && in.position() >= 2) {
            int length = in.getShort(0) & 0xffff;
            if (in.position() < 2 + length) {
                return;
            }
            byte[] packet = new byte[length];
            in.get(2, packet);
            in.flip().position(2 + length);
            in.compact();
            pending++;
            if (!resolver.query(packet, false, this::send)) {
                pending--; // dropped as malformed: nothing will come back
            }
        }
    }

    private void send(byte[] answer) {
        pending--;
        if (closed) {
            return;
        }
        if (out.size() >= MAX_QUEUED) {
            close();
            return;
        }
        out.add(ByteBuffer.allocate(2 + answer.length).putShort((short) answer.length).put(answer).flip());
        try {
            flush();
        } catch (IOException e) {
            close();
        }
        armIdle();
    }

    private void flush() throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            channel.write(head);
            if (head.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
            out.poll();
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    private void armIdle() {
        if (idle != null) {
            idle.cancel();
        }
        idle = loop.schedule(IDLE, () -> {
            if (pending > 0) {
                armIdle();
            } else {
                close();
            }
        });
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (idle != null) {
            idle.cancel();
        }
        resolver.forget(this);
        try {
            channel.close();
        } catch (IOException e) {
            // the connection is gone either way
        }
    }
}
