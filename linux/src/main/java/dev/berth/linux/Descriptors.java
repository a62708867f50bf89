package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * open, read, write and ioctl on raw descriptors, for the wrappers that hand a descriptor to
 * an event loop ({@link FifoReader}, {@link EventFd}, {@link CgroupNotifications}) or to the
 * kernel by number ({@link Terminals}): a Java stream or channel never lets its descriptor out.
 */
final class Descriptors {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    private static final long FIONREAD = 0x541B;
    static final int READ_SIZE = 32 << 10;

    private Descriptors() {}

    private static final class Calls {
        static final MethodHandle OPEN = LibC.handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
        static final MethodHandle READ = LibC.handle("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), true);
        static final MethodHandle WRITE = LibC.handle("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), true);
        static final MethodHandle IOCTL = LibC.variadicHandle("ioctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), 2);
    }

    /** {@code open(2)} of an existing file, without O_CREAT (so without a mode). */
    static int open(String path, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) Calls.OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            if (fd < 0) {
                throw new ErrnoException("open " + path, LibC.errno(state));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    /**
     * {@code read(2)} into {@code buffer[offset, offset + length)}, at most {@value #READ_SIZE}
     * bytes: the count read, 0 at end of file, -1 when a non-blocking descriptor has nothing now
     * (EAGAIN). EINTR is retried.
     */
    static int read(int fd, byte[] buffer, int offset, int length, String what) throws ErrnoException {
        ReadBuffer b = READ_BUFFERS.poll();
        if (b == null) {
            b = new ReadBuffer();
        }
        try {
            while (true) {
                long n = (long) Calls.READ.invokeExact(b.state, fd, b.bytes, (long) Math.min(length, READ_SIZE));
                if (n >= 0) {
                    MemorySegment.copy(b.bytes, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) n);
                    return (int) n;
                }
                int errno = LibC.errno(b.state);
                if (errno == ErrnoException.EAGAIN) {
                    return -1;
                }
                if (errno != ErrnoException.EINTR) {
                    throw new ErrnoException("read " + what, errno);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("read downcall failed", t);
        } finally {
            READ_BUFFERS.offer(b);
        }
    }

    /**
     * Native memory that reads go through, taken and given back around each call, as the JDK's
     * own temporary direct buffers: a container's output fifo is read often, and allocating,
     * zeroing and freeing 32 KiB for each of those reads is work wasted. A read never blocks (the
     * descriptors are non-blocking), so there are about as many as threads that read at once.
     */
    private static final java.util.Queue<ReadBuffer> READ_BUFFERS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private static final class ReadBuffer {
        final MemorySegment bytes = Arena.global().allocate(READ_SIZE);
        final MemorySegment state = Arena.global().allocate(LibC.CALL_STATE);
    }

    /** {@code write(2)} of all of {@code data} in one call, as an eventfd's 8 bytes must go; EINTR is retried. */
    static void writeAll(int fd, byte[] data, String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            MemorySegment native_ = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            while (true) {
                long n = (long) Calls.WRITE.invokeExact(state, fd, native_, (long) data.length);
                if (n == data.length) {
                    return;
                }
                int errno = n < 0 ? LibC.errno(state) : ErrnoException.EIO;
                if (errno != ErrnoException.EINTR) {
                    throw new ErrnoException("write " + what, errno);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
    }

    /** How many bytes wait to be read ({@code ioctl(FIONREAD)}, see ioctl_tty(2) and pipe(7)). */
    static int available(int fd, String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            ioctl(fd, FIONREAD, count, "ioctl FIONREAD " + what);
            return count.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** {@code ioctl(2)} with a pointer argument; {@code what} names it in the error. */
    static void ioctl(int fd, long request, MemorySegment argument, String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Calls.IOCTL.invokeExact(state, fd, request, argument);
            if (rc < 0) {
                throw new ErrnoException(what, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl downcall failed", t);
        }
    }
}
