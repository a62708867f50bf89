package dev.berth.linux;

import java.nio.file.Path;

/**
 * The read side of a named pipe ({@code fifo(7)}), non-blocking, for an event loop: the loop
 * waits for its {@link #descriptor} to become readable and a reader drains it with
 * {@link #read} until that reports nothing more for now.
 *
 * <p>The fifo is opened read-write ({@code O_RDWR}; Linux allows it for a fifo, see fifo(7)):
 * a read-only open would block, or with O_NONBLOCK succeed but then report end-of-file until
 * the first writer comes, and again after each writer leaves. Holding a write end of its own,
 * the reader never sees end-of-file: the pipe is at its end when the owner says so, typically
 * once the writer is known to have exited and {@link #read} reports the pipe empty.
 */
public final class FifoReader implements AutoCloseable {
    private final Path fifo;
    private final OwnedDescriptor fd;

    private FifoReader(Path fifo, int fd) {
        this.fifo = fifo;
        this.fd = new OwnedDescriptor(fd, "fifo " + fifo);
    }

    /** Opens the existing fifo {@code fifo}, non-blocking and close-on-exec. */
    public static FifoReader open(Path fifo) throws ErrnoException {
        int fd = Descriptors.open(fifo.toString(), Descriptors.O_RDWR | Descriptors.O_NONBLOCK | Descriptors.O_CLOEXEC);
        return new FifoReader(fifo, fd);
    }

    public Path fifo() {
        return fifo;
    }

    /** The descriptor, to register with an {@link Epoll}; owned by this object. */
    public int descriptor() {
        return fd.get();
    }

    /**
     * Reads what the pipe holds, up to {@code buffer.length} bytes: how many were read, or 0 when
     * the pipe is empty for now (EAGAIN). Never blocks.
     */
    public int read(byte[] buffer) throws ErrnoException {
        int n = Descriptors.read(descriptor(), buffer, 0, buffer.length, "fifo " + fifo);
        return Math.max(n, 0); // end of file cannot happen while we hold a write end; treat it as empty
    }

    /** How many bytes the pipe holds now ({@code FIONREAD}). */
    public int available() throws ErrnoException {
        return Descriptors.available(descriptor(), "fifo " + fifo);
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "fifo " + fifo;
    }
}
