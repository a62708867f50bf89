package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The raw downcalls, each created on first use. Calls that can fail capture errno through
 * {@link Linker.Option#captureCallState}, because the JVM may clobber errno between the
 * downcall and any later read.
 */
final class LibC {
    private static final Linker LINKER = Linker.nativeLinker();
    /** The layout of the captured call state; allocate one per call that can fail. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    /** {@code AT_FDCWD} from {@code <fcntl.h>}: *at calls resolve relative paths from the cwd. */
    static final int AT_FDCWD = -100;
    /** {@code AT_SYMLINK_NOFOLLOW}: act on a symlink itself, never on what it points to. */
    static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private LibC() {}

    /** The errno that a downcall created with {@code errno = true} captured into {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** A NUL-terminated copy of {@code s} in {@code arena}, or {@link MemorySegment#NULL} for null. */
    static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    static MethodHandle handle(String name, FunctionDescriptor fd, boolean errno) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return errno
                ? LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(symbol, fd);
    }

    /**
     * A variadic {@code name} ({@code ioctl}, {@code fcntl}) whose arguments from index
     * {@code firstVariadic} on are the variadic ones: the x86_64 ABI passes those differently
     * (the caller sets the vector register count), so they must not be declared as fixed.
     */
    static MethodHandle variadicHandle(String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, Linker.Option.firstVariadicArg(firstVariadic),
                Linker.Option.captureCallState("errno"));
    }

    /**
     * {@code name} from libc when this glibc wraps it, else {@code syscall(2)} with {@code number}
     * behind the same type, so callers invoke either exactly alike. For calls that glibc wrapped
     * years after the kernel added them ({@code pidfd_open} arrived in glibc 2.36, Linux 5.3).
     * {@code fd} describes the glibc function; its int arguments go to syscall as longs, which
     * is what syscall reads them as through its varargs.
     */
    static MethodHandle handleOrSyscall(String name, long number, FunctionDescriptor fd, boolean errno) {
        return LINKER.defaultLookup().find(name).isPresent()
                ? handle(name, fd, errno)
                : syscallHandle(number, fd, errno);
    }

    /** {@code syscall(number, ...)} typed as the function {@code fd} describes; see {@link #handleOrSyscall}. */
    static MethodHandle syscallHandle(long number, FunctionDescriptor fd, boolean errno) {
        MemoryLayout[] args = new MemoryLayout[fd.argumentLayouts().size() + 1];
        args[0] = ValueLayout.JAVA_LONG;
        for (int i = 1; i < args.length; i++) {
            MemoryLayout a = fd.argumentLayouts().get(i - 1);
            args[i] = a instanceof ValueLayout.OfInt ? ValueLayout.JAVA_LONG : a;
        }
        MemorySegment symbol = LINKER.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall"));
        FunctionDescriptor raw = FunctionDescriptor.of(ValueLayout.JAVA_LONG, args);
        Linker.Option variadic = Linker.Option.firstVariadicArg(1);
        MethodHandle h = errno
                ? LINKER.downcallHandle(symbol, raw, variadic, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(symbol, raw, variadic);
        h = MethodHandles.insertArguments(h, errno ? 1 : 0, number);
        var type = fd.toMethodType();
        if (errno) {
            type = type.insertParameterTypes(0, MemorySegment.class);
        }
        // int arguments widen with sign extension; the long result narrows to the int it holds
        return MethodHandles.explicitCastArguments(h, type);
    }

    private static final class Kill {
        static final MethodHandle H = handle("kill",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    private static final class Close {
        static final MethodHandle H = handle("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), false);
    }

    private static final class StrError {
        static final MethodHandle H = handle("strerror",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT), false);
    }

    static void kill(int pid, int signal) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Kill.H.invokeExact(state, pid, signal);
            if (rc != 0) {
                throw new ErrnoException("kill", (int) ERRNO.get(state, 0L));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kill downcall failed", t);
        }
    }

    /**
     * {@code close(2)}, ignoring its result: on Linux the descriptor is released even when close
     * reports an error, so retrying could close a descriptor another thread has since opened.
     */
    static void close(int fd) {
        try {
            int ignored = (int) Close.H.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) StrError.H.invokeExact(errno);
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return null;
        }
    }
}
