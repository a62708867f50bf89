package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * {@code fchmodat(2)} with {@code AT_SYMLINK_NOFOLLOW}: sets all twelve mode bits (setuid,
 * setgid and sticky included) of a path without opening it and without following a final
 * symlink. NIO's {@code unix:mode} with {@code NOFOLLOW_LINKS} opens the file first, which blocks
 * forever on a fifo; glibc does this with an {@code O_PATH} descriptor instead (and Linux 6.6
 * with {@code fchmodat2}), which never blocks. A symlink has no mode of its own: asking for one
 * fails with EOPNOTSUPP.
 */
public final class FileModes {
    private FileModes() {}

    private static final class Fchmodat {
        static final MethodHandle H = LibC.handle("fchmodat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    /** Sets the permission bits ({@code mode & 07777}) of {@code path}. */
    public static void chmod(Path path, int mode) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Fchmodat.H.invokeExact(state, LibC.AT_FDCWD, arena.allocateFrom(path.toString()),
                    mode & 07777, LibC.AT_SYMLINK_NOFOLLOW);
            if (rc != 0) {
                throw new ErrnoException("chmod " + path, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fchmodat downcall failed", t);
        }
    }
}
