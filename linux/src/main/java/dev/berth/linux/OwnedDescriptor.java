package dev.berth.linux;

/**
 * A descriptor that one wrapper ({@link Epoll}, {@link EventFd}, {@link FifoReader},
 * {@link Pidfd}) owns: handed out while open, closed exactly once. After the close the number
 * is never handed out again, so a caller cannot reach a descriptor that another thread has
 * since opened under the same number.
 */
final class OwnedDescriptor {
    private final String what;
    private volatile int fd;

    OwnedDescriptor(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    /** The descriptor; {@link IllegalStateException} once closed. */
    int get() {
        int f = fd;
        if (f < 0) {
            throw new IllegalStateException(what + " closed");
        }
        return f;
    }

    void close() {
        int f;
        synchronized (this) {
            f = fd;
            fd = -1;
        }
        if (f >= 0) {
            LibC.close(f);
        }
    }
}
