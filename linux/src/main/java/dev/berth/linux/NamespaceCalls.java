package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The system calls behind {@link NetNamespace}: {@code open(2)} of a namespace file,
 * {@code ioctl(NS_GET_NSTYPE)} to tell what it is, {@code setns(2)} and
 * {@code unshare(2)}, all for network namespaces and all acting on the calling thread only.
 */
final class NamespaceCalls {
    /** {@code CLONE_NEWNET} from {@code <sched.h>}; also what NS_GET_NSTYPE answers for a net namespace. */
    static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    /** {@code NS_GET_NSTYPE} = {@code _IO(0xb7, 0x3)} from {@code <linux/nsfs.h>} (ioctl_ns(2)). */
    private static final long NS_GET_NSTYPE = 0xb703;
    private static final int ENOTTY = 25;

    private NamespaceCalls() {}

    private static final class Open {
        static final MethodHandle H = LibC.handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
    }

    private static final class Ioctl {
        // int ioctl(int fd, unsigned long request, ...): NS_GET_NSTYPE ignores the third argument
        static final MethodHandle H = LibC.variadicHandle("ioctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), 2);
    }

    private static final class SetNs {
        static final MethodHandle H = LibC.handle("setns", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    private static final class Unshare {
        static final MethodHandle H = LibC.handle("unshare",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    /**
     * Opens {@code file} read-only and close-on-exec and checks that it is a network namespace
     * (nsfs answers NS_GET_NSTYPE; any other file fails it with ENOTTY).
     */
    static int openNetNamespace(Path file) throws ErrnoException {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            fd = (int) Open.H.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new ErrnoException("open network namespace " + file, LibC.errno(state));
            }
            int type = (int) Ioctl.H.invokeExact(state, fd, NS_GET_NSTYPE, 0L);
            if (type != CLONE_NEWNET) {
                int errno = type < 0 ? LibC.errno(state) : ErrnoException.EINVAL;
                LibC.close(fd);
                String what = errno == ENOTTY ? " (not a namespace file)" : " (not a network namespace)";
                throw new ErrnoException("open network namespace " + file + what,
                        errno == ENOTTY ? ErrnoException.EINVAL : errno);
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    /** Moves the calling thread into the network namespace open as {@code fd}. */
    static void setNetNamespace(int fd, String what) throws ErrnoException {
        call(SetNs.H, fd, CLONE_NEWNET, what);
    }

    /** Moves the calling thread into a new, empty network namespace. */
    static void unshareNetNamespace() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Unshare.H.invokeExact(state, CLONE_NEWNET);
            if (rc != 0) {
                throw new ErrnoException("unshare network namespace", LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("unshare downcall failed", t);
        }
    }

    private static void call(MethodHandle h, int a, int b, String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) h.invokeExact(state, a, b);
            if (rc != 0) {
                throw new ErrnoException(what, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + " downcall failed", t);
        }
    }
}
