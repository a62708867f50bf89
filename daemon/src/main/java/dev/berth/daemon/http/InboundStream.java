package dev.berth.daemon.http;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes from the client as a blocking {@link InputStream}: a request body, or after a hijack the
 * raw stream. Netty's event loop {@link #offer offers} buffers as they arrive; the handler's
 * thread reads them. At most about {@link #HIGH_WATER} bytes wait here: above it the
 * {@link ReadGate} stops reading the socket until the reader has caught up to {@link #LOW_WATER},
 * so an upload of any size (a {@code docker load} tar) never sits in memory whole.
 */
final class InboundStream extends InputStream {
    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 256 << 10;

    private final ReadGate gate;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private long buffered;
    private boolean ended;
    private boolean closed;
    private boolean holding;
    private IOException failure;

    InboundStream(ReadGate gate) {
        this.gate = gate;
    }

    /** Event loop: a buffer arrived (the stream takes its own reference). */
    void offer(ByteBuf buf) {
        if (!buf.isReadable()) {
            return;
        }
        lock.lock();
        try {
            if (closed || ended || failure != null) {
                return;
            }
            chunks.add(buf.retain());
            buffered += buf.readableBytes();
            if (buffered >= HIGH_WATER && !holding) {
                holding = true;
                gate.hold(this);
            }
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: the client finished sending (end of the body, or EOF on a hijacked stream). */
    void end() {
        lock.lock();
        try {
            ended = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The stream cannot complete (the connection dropped); the reader gets this error. */
    void fail(IOException e) {
        lock.lock();
        try {
            if (!ended && failure == null) {
                failure = e;
            }
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (closed) {
                    throw new IOException("stream closed");
                }
                if (failure != null) {
                    throw failure;
                }
                if (ended) {
                    return -1;
                }
                try {
                    ready.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading from the client");
                }
            }
            ByteBuf first = chunks.peek();
            int n = Math.min(len, first.readableBytes());
            first.readBytes(b, off, n);
            if (!first.isReadable()) {
                chunks.poll().release();
            }
            buffered -= n;
            if (holding && buffered <= LOW_WATER) {
                holding = false;
                gate.release(this);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, buffered);
        } finally {
            lock.unlock();
        }
    }

    /** The reader is done: what is buffered is dropped, and what still arrives is discarded. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            releaseAll();
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Event loop, when the connection is gone. A stream that had ended keeps its bytes for the
     * reader (they are whole); one that had not is cut short and its reader gets an error.
     */
    void connectionLost() {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            releaseAll();
            if (failure == null) {
                failure = new IOException("connection closed by the client before the end of the data");
            }
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void releaseAll() {
        ByteBuf c;
        while ((c = chunks.poll()) != null) {
            c.release();
        }
        buffered = 0;
        if (holding) {
            holding = false;
            gate.release(this);
        }
    }
}
