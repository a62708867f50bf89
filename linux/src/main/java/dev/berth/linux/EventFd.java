package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An eventfd ({@code eventfd(2)}): a kernel counter behind a descriptor, readable while it is
 * not zero. A thread wakes an {@link Epoll} wait with {@link #signal}; the kernel signals one
 * that is registered for cgroup notifications ({@link CgroupNotifications}). Non-blocking and
 * close-on-exec.
 */
public final class EventFd implements AutoCloseable {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private final OwnedDescriptor fd;

    private EventFd(int fd) {
        this.fd = new OwnedDescriptor(fd, "eventfd");
    }

    private static final class Create {
        static final MethodHandle H = LibC.handle("eventfd",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    /** A new eventfd whose counter is zero. */
    public static EventFd open() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) Create.H.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0) {
                throw new ErrnoException("eventfd", LibC.errno(state));
            }
            return new EventFd(fd);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd downcall failed", t);
        }
    }

    /** The descriptor, to register with an {@link Epoll}; owned by this object. */
    public int descriptor() {
        return fd.get();
    }

    /** Adds one to the counter, making the descriptor readable. */
    public void signal() throws ErrnoException {
        byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array(); // a host-endian uint64
        Descriptors.writeAll(descriptor(), one, "eventfd");
    }

    /** Reads and resets the counter: how many signals arrived since the last take, 0 if none. */
    public long take() throws ErrnoException {
        byte[] count = new byte[8];
        if (Descriptors.read(descriptor(), count, 0, 8, "eventfd") != 8) {
            return 0;
        }
        return ByteBuffer.wrap(count).order(ByteOrder.nativeOrder()).getLong();
    }

    @Override
    public void close() {
        fd.close();
    }
}
