package dev.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries a layer's bytes from its download to a {@link LayerListener} on another thread. The
 * writer blocks while {@code capacity} bytes wait unread, so a slow unpacker slows the download
 * rather than filling memory; once the reader closes, writes are dropped. The reader sees the
 * end of the stream only after {@link #finish()} (the blob was verified) and an
 * {@link IOException} after {@link #fail}.
 */
final class BlobPipe {
    private final int capacity;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Reader reader = new Reader();
    private int buffered;
    private boolean finished;
    private String failure;
    private boolean readerClosed;

    BlobPipe(int capacity) {
        this.capacity = capacity;
    }

    InputStream reader() {
        return reader;
    }

    void write(byte[] bytes, int offset, int length) throws InterruptedException {
        if (length == 0) {
            return;
        }
        lock.lockInterruptibly();
        try {
            while (buffered >= capacity && !readerClosed) {
                changed.await();
            }
            if (readerClosed || finished || failure != null) {
                return;
            }
            chunks.add(Arrays.copyOfRange(bytes, offset, offset + length));
            buffered += length;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Copies a whole stream in (a blob that was already in the store, or resumed). */
    void writeAll(InputStream in) throws IOException, InterruptedException {
        byte[] buffer = new byte[64 << 10];
        int n;
        while ((n = in.read(buffer)) >= 0 && !isReaderClosed()) {
            write(buffer, 0, n);
        }
    }

    /** The blob is complete and verified: the reader may see its end. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The blob will not arrive (or is not what it should be): the reader gets an error. The first
     * reason stays: the pull's general abort must not hide the layer's own error from a reader
     * that has not woken up yet.
     */
    void fail(String message) {
        lock.lock();
        try {
            if (!finished && failure == null) {
                failure = message;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isReaderClosed() {
        lock.lock();
        try {
            return readerClosed;
        } finally {
            lock.unlock();
        }
    }

    private final class Reader extends InputStream {
        private byte[] current;
        private int position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (current == null || position == current.length) {
                if (!take()) {
                    return -1;
                }
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, bytes, offset, n);
            position += n;
            return n;
        }

        private boolean take() throws IOException {
            lock.lock();
            try {
                while (chunks.isEmpty()) {
                    if (failure != null) {
                        throw new IOException(failure);
                    }
                    if (finished) {
                        return false;
                    }
                    changed.await();
                }
                current = chunks.poll();
                position = 0;
                buffered -= current.length;
                changed.signalAll();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for layer data");
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                readerClosed = true;
                chunks.clear();
                buffered = 0;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
