package dev.berth.image.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies every byte read from a stream into a sink, so that one pass over a layer both stores
 * its compressed bytes and feeds the decompressor that computes its diffID.
 */
final class TeeInputStream extends FilterInputStream {
    private final OutputStream sink;
    private boolean sinkFailed;

    TeeInputStream(InputStream in, OutputStream sink) {
        super(in);
        this.sink = sink;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            write(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            write(buffer, offset, n);
        }
        return n;
    }

    private void write(byte[] buffer, int offset, int length) throws IOException {
        try {
            sink.write(buffer, offset, length);
        } catch (IOException e) {
            sinkFailed = true;
            throw e;
        }
    }

    /** Whether an I/O failure came from the sink (a full disk), not from the data. */
    boolean sinkFailed() {
        return sinkFailed;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must reach the sink as well.
        byte[] buffer = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads to the end, so the sink has received everything. */
    void drain() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (read(buffer, 0, buffer.length) >= 0) {
            // keep reading
        }
    }

    /** Leaves the underlying stream open (a tar entry belongs to its archive stream). */
    @Override
    public void close() {
        // intentionally empty
    }
}
