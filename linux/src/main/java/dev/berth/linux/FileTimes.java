package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code utimensat(2)} with {@code AT_SYMLINK_NOFOLLOW}: sets the times of a path itself, which
 * for a symlink means the link's own times (layer apply restores them from the tar header).
 * Nanosecond precision.
 */
public final class FileTimes {
    /** {@code UTIME_OMIT}: leave this time as it is. */
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private FileTimes() {}

    private static final class Utimensat {
        static final MethodHandle H = LibC.handle("utimensat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
    }

    /** Sets access and modification time of {@code path}, never following a symlink; null leaves one as is. */
    public static void set(Path path, Instant access, Instant modified) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            // struct timespec times[2] = {atime, mtime}; each {time_t tv_sec; long tv_nsec;}
            MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
            put(times, 0, access);
            put(times, 2, modified);
            int rc = (int) Utimensat.H.invokeExact(state, LibC.AT_FDCWD, arena.allocateFrom(path.toString()),
                    times, LibC.AT_SYMLINK_NOFOLLOW);
            if (rc != 0) {
                throw new ErrnoException("utimensat " + path, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("utimensat downcall failed", t);
        }
    }

    private static void put(MemorySegment times, int index, Instant t) {
        times.setAtIndex(ValueLayout.JAVA_LONG, index, t == null ? 0 : t.getEpochSecond());
        times.setAtIndex(ValueLayout.JAVA_LONG, index + 1, t == null ? UTIME_OMIT : t.getNano());
    }
}
