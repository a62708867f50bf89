package dev.berth.daemon.container;

import dev.berth.linux.FileNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's stdin ({@code docker run -i}): a fifo that the shim, and so the container,
 * reads, and that berthd writes what attached clients send into. berthd opens it read-write
 * first, so that the shim's open for reading does not wait; the container sees the end of its
 * input when berthd closes it, after the client's input ended ({@code StdinOnce}, as
 * {@code docker run -i} asks) or when the container exits.
 */
final class ContainerInput implements AutoCloseable {
    private final Path fifo;
    private final RandomAccessFile file;
    private boolean closed;

    private ContainerInput(Path fifo, RandomAccessFile file) {
        this.fifo = fifo;
        this.file = file;
    }

    static ContainerInput open(Path fifo) throws IOException {
        if (!Files.exists(fifo)) {
            FileNodes.mkfifo(fifo, 0600);
        }
        return new ContainerInput(fifo, new RandomAccessFile(fifo.toFile(), "rw"));
    }

    Path fifo() {
        return fifo;
    }

    /**
     * Copies {@code in} (a client's input) to the container until it ends; then, if
     * {@code closeAtEnd}, closes the container's stdin. Returns quietly if the container goes
     * away meanwhile.
     */
    void copyFrom(InputStream in, boolean closeAtEnd) {
        byte[] buffer = new byte[32 << 10];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                }
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    file.getChannel().write(b);
                }
            }
        } catch (IOException e) {
            // the client or the container went away; either way this copy is over
        }
        if (closeAtEnd) {
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                file.close();
            } catch (IOException ignored) {
                // a fifo we only wrote to
            }
        }
    }
}
