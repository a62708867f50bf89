package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;

/**
 * A process file descriptor ({@code pidfd_open(2)}): a handle on one process that lets any
 * process, not only its parent, wait for it to exit and signal it. The daemon needs this after a
 * restart, when each container's shim has been reparented away from it and
 * {@link Process#onExit()} can no longer see it.
 *
 * <p>Why not {@code kill(pid, 0)} and {@code kill(pid, sig)}: a pid is only a number, and once
 * its process exits and is reaped the kernel may hand the number to an unrelated new process,
 * which a later check would find alive and a later signal would hit. A pidfd refers to the one
 * process it was opened for, for as long as it is open: after that process exits the pidfd
 * stays readable ({@code poll(2)} reports {@code POLLIN}) and signals through it fail with
 * ESRCH, whatever now owns the number. Only the open itself names a pid, so open the pidfd
 * while the pid is known to be the right process (for example, while it is still a child, or
 * after checking its start time in {@code /proc/<pid>/stat}).
 *
 * <p>{@link #awaitExit} is a plain blocking {@code poll(2)}: a virtual thread that calls it
 * holds its carrier thread for the whole wait. Short or zero waits are harmless anywhere; for a
 * long wait on each of many processes, use a platform thread.
 *
 * <p>Thread-safe, except that {@link #close()} must not race with the other calls: a descriptor
 * closed during a poll may be reused by the time the poll starts.
 */
public final class Pidfd implements AutoCloseable {
    // The syscall numbers are the same on x86_64 and aarch64: calls added since Linux 5.1
    // share one table across architectures.
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final short POLLIN = 0x001;
    private static final short POLLNVAL = 0x020;

    private final int pid;
    private final OwnedDescriptor fd;

    Pidfd(int pid, int fd) {
        this.pid = pid;
        this.fd = new OwnedDescriptor(fd, "pidfd for pid " + pid);
    }

    private static final class Open {
        static final MethodHandle H = LibC.handleOrSyscall("pidfd_open", SYS_PIDFD_OPEN,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    private static final class SendSignal {
        static final MethodHandle H = LibC.handleOrSyscall("pidfd_send_signal", SYS_PIDFD_SEND_SIGNAL,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
    }

    private static final class Poll {
        // struct pollfd { int fd; short events; short revents; }, one of them; nfds_t is unsigned long
        static final MethodHandle H = LibC.handle("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), true);
    }

    /**
     * Opens a pidfd on the process {@code pid} (close-on-exec, as pidfd_open always makes it).
     * Fails with ESRCH when there is no such process; a zombie still has one.
     */
    public static Pidfd open(int pid) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) Open.H.invokeExact(state, pid, 0);
            if (fd < 0) {
                throw new ErrnoException("pidfd_open " + pid, LibC.errno(state));
            }
            return new Pidfd(pid, fd);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_open downcall failed", t);
        }
    }

    /** The pid this pidfd was opened for. */
    public int pid() {
        return pid;
    }

    /** The descriptor, for an event loop that watches it for {@code POLLIN}; owned by this object. */
    public int descriptor() {
        return fd.get();
    }

    /**
     * Waits until the process has exited: true once it has (and from then on), false when
     * {@code timeout} passes first. A null or negative timeout waits for as long as it takes.
     */
    public boolean awaitExit(Duration timeout) throws ErrnoException {
        int fd = descriptor();
        boolean forever = timeout == null || timeout.isNegative();
        long deadline = forever ? 0 : System.nanoTime() + saturatedNanos(timeout);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            MemorySegment pollfd = arena.allocate(8, 4);
            while (true) {
                int millis = forever ? -1 : remainingMillis(deadline);
                pollfd.set(ValueLayout.JAVA_INT, 0, fd);
                pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
                pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                int rc = (int) Poll.H.invokeExact(state, pollfd, 1L, millis);
                if (rc < 0) {
                    int errno = LibC.errno(state);
                    if (errno == ErrnoException.EINTR) {
                        continue; // poll(2) is never restarted after a signal handler; the deadline stands
                    }
                    throw new ErrnoException("poll pidfd of pid " + pid, errno);
                }
                if (rc > 0) {
                    short revents = pollfd.get(ValueLayout.JAVA_SHORT, 6);
                    if ((revents & POLLNVAL) != 0) {
                        throw new IllegalStateException("pidfd for pid " + pid + " closed during poll");
                    }
                    // POLLIN once the process has exited; newer kernels add POLLHUP once it is reaped
                    return true;
                }
                if (!forever && remainingMillis(deadline) == 0) {
                    return false;
                }
            }
        } catch (ErrnoException | IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("poll downcall failed", t);
        }
    }

    /** Whether the process is still running (a zombie has exited): a poll that does not wait. */
    public boolean isAlive() throws ErrnoException {
        return !awaitExit(Duration.ZERO);
    }

    /**
     * Sends {@code signal} to the process ({@code pidfd_send_signal(2)}), never to another that
     * has since taken its pid. Fails with ESRCH once the process has been reaped; a zombie
     * accepts and ignores signals, as with kill(2).
     */
    public void sendSignal(int signal) throws ErrnoException {
        int fd = descriptor();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) SendSignal.H.invokeExact(state, fd, signal, MemorySegment.NULL, 0);
            if (rc != 0) {
                throw new ErrnoException("pidfd_send_signal " + Signals.name(signal) + " to pid " + pid,
                        LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_send_signal downcall failed", t);
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "pidfd for pid " + pid;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2; // centuries: as good as forever, and nanoTime + it cannot overflow
        }
    }

    /** Milliseconds left until {@code deadline}, rounded up so that a wait never ends early. */
    private static int remainingMillis(long deadline) {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }
}
