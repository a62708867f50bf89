package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * An epoll instance ({@code epoll(7)}): one thread waits in {@link #await} for any of many
 * descriptors to become ready, instead of a thread blocked on each. Each registration carries a
 * caller's token (the 64-bit {@code epoll_data}), which {@link Ready} hands back: a token, unlike
 * the descriptor number, is never reused by a later registration, so a stale event for a
 * descriptor closed meanwhile can be recognised and dropped.
 *
 * <p>{@link #add}, {@link #rearm} and {@link #remove} may be called from any thread while
 * another waits; the kernel serialises them. {@link #ONESHOT} takes a descriptor out of the set
 * after one event until {@link #rearm} puts it back, which is how a reader hands a descriptor to
 * another thread without the loop reporting it again meanwhile.
 */
public final class Epoll implements AutoCloseable {
    public static final int IN = 0x001;
    public static final int ERR = 0x008;
    public static final int HUP = 0x010;
    public static final int ONESHOT = 1 << 30;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int CTL_ADD = 1, CTL_DEL = 2, CTL_MOD = 3;
    // struct epoll_event is packed on x86_64 (12 bytes, data at 4) and naturally aligned
    // elsewhere (16 bytes, data at 8): <sys/epoll.h>, __EPOLL_PACKED.
    private static final boolean PACKED = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };
    static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private final OwnedDescriptor fd;

    private Epoll(int fd) {
        this.fd = new OwnedDescriptor(fd, "epoll instance");
    }

    private static final class Calls {
        static final MethodHandle CREATE = LibC.handle("epoll_create1",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
        static final MethodHandle CTL = LibC.handle("epoll_ctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), true);
        static final MethodHandle WAIT = LibC.handle("epoll_wait", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    /** A new epoll instance, close-on-exec so that no shim or exec'd process inherits it. */
    public static Epoll open() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) Calls.CREATE.invokeExact(state, EPOLL_CLOEXEC);
            if (fd < 0) {
                throw new ErrnoException("epoll_create1", LibC.errno(state));
            }
            return new Epoll(fd);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_create1 downcall failed", t);
        }
    }

    /** Watches {@code descriptor} for {@code events} ({@link #IN}, maybe {@link #ONESHOT}), reported with {@code token}. */
    public void add(int descriptor, int events, long token) throws ErrnoException {
        control(CTL_ADD, descriptor, events, token);
    }

    /** Changes what {@code descriptor} is watched for; after a {@link #ONESHOT} event, arms it again. */
    public void rearm(int descriptor, int events, long token) throws ErrnoException {
        control(CTL_MOD, descriptor, events, token);
    }

    /** Stops watching {@code descriptor}; closing it would too, unless another descriptor shares its file. */
    public void remove(int descriptor) throws ErrnoException {
        control(CTL_DEL, descriptor, 0, 0);
    }

    private void control(int op, int descriptor, int events, long token) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            MemorySegment event = arena.allocate(EVENT_SIZE, 4);
            event.set(ValueLayout.JAVA_INT, 0, events);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, token);
            int rc = (int) Calls.CTL.invokeExact(state, descriptor(), op, descriptor, event);
            if (rc != 0) {
                String name = switch (op) {
                    case CTL_ADD -> "add";
                    case CTL_MOD -> "mod";
                    default -> "del";
                };
                throw new ErrnoException("epoll_ctl " + name + " descriptor " + descriptor, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_ctl downcall failed", t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: for ever) for ready descriptors and fills
     * {@code ready} with them; returns how many (0 on timeout, or when a signal interrupted the
     * wait, which epoll_wait(2) never restarts).
     */
    public int await(Ready ready, int timeoutMillis) throws ErrnoException {
        try {
            int n = (int) Calls.WAIT.invokeExact(ready.state, descriptor(), ready.events, ready.capacity, timeoutMillis);
            if (n < 0) {
                int errno = LibC.errno(ready.state);
                if (errno == ErrnoException.EINTR) {
                    n = 0;
                } else {
                    throw new ErrnoException("epoll_wait", errno);
                }
            }
            ready.count = n;
            return n;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_wait downcall failed", t);
        }
    }

    private int descriptor() {
        return fd.get();
    }

    @Override
    public void close() {
        fd.close();
    }

    /**
     * The events one {@link #await} returned: for each, the token it was registered with and
     * what happened ({@link #IN}, {@link #HUP}, {@link #ERR}). For the one thread that waits;
     * its native memory is freed with it by the garbage collector.
     */
    public static final class Ready {
        private final int capacity;
        private final MemorySegment events;
        private final MemorySegment state;
        private int count;

        public Ready(int capacity) {
            Arena arena = Arena.ofAuto();
            this.capacity = capacity;
            this.events = arena.allocate(EVENT_SIZE * capacity, 8);
            this.state = arena.allocate(LibC.CALL_STATE);
        }

        public int count() {
            return count;
        }

        public long token(int i) {
            return events.get(ValueLayout.JAVA_LONG_UNALIGNED, check(i) * EVENT_SIZE + DATA_OFFSET);
        }

        public int events(int i) {
            return events.get(ValueLayout.JAVA_INT_UNALIGNED, check(i) * EVENT_SIZE);
        }

        private long check(int i) {
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException("event " + i + " of " + count);
            }
            return i;
        }
    }
}
