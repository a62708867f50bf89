package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * An nft script in a memfd ({@code memfd_create(2)}), for {@link Nftables} to run by the name
 * {@code /proc/self/fd/<fd>}. Running a file rather than a buffer makes libnftables report
 * each error with the script's line number and that line's text; nothing touches a disk, and
 * the memory goes with the descriptor.
 */
final class NftablesScriptFile {
    private static final int MFD_CLOEXEC = 1;
    private static final long SYS_MEMFD_CREATE = 319; // x86_64; glibc has wrapped it since 2.27

    private NftablesScriptFile() {}

    private static final class Calls {
        static final MethodHandle MEMFD_CREATE = LibC.handleOrSyscall("memfd_create", SYS_MEMFD_CREATE,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
        static final MethodHandle WRITE = LibC.handle("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), true);
        static final MethodHandle CLOSE = LibC.handle("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), false);
    }

    /** A new memfd holding {@code script}; the caller closes it with {@link #close}. */
    static int create(String script) throws NftablesException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) Calls.MEMFD_CREATE.invokeExact(state, arena.allocateFrom("berth-nft"), MFD_CLOEXEC);
            if (fd < 0) {
                throw failure("memfd_create", LibC.errno(state));
            }
            byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
            MemorySegment buf = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long done = 0;
            while (done < bytes.length) {
                long n = (long) Calls.WRITE.invokeExact(state, fd, buf.asSlice(done), bytes.length - done);
                if (n < 0 && LibC.errno(state) == ErrnoException.EINTR) {
                    continue;
                }
                if (n <= 0) {
                    int errno = n < 0 ? LibC.errno(state) : 0;
                    close(fd);
                    throw failure("write", errno);
                }
                done += n;
            }
            return fd;
        } catch (NftablesException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("memfd downcall failed", t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) Calls.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    private static NftablesException failure(String call, int errno) {
        return new NftablesException("write nft script to a memfd: " + call + ": " + Errno.describe(errno), "");
    }
}
