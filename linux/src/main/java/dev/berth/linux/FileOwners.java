package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * {@code lchown(2)}: numeric owners, set on the path itself (a symlink keeps its own owner).
 * Layer apply sets owners from the tar header's numbers and never looks names up.
 *
 * <p>The kernel clears setuid/setgid bits and {@code security.capability} on chown of an
 * executable, so callers set the owner first and the mode and xattrs after.
 */
public final class FileOwners {
    private FileOwners() {}

    private static final class LChown {
        static final MethodHandle H = LibC.handle("lchown", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    /** Sets uid and gid of {@code path}; -1 leaves one unchanged. uids above 2^31 pass as their bit pattern. */
    public static void lchown(Path path, long uid, long gid) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) LChown.H.invokeExact(state, arena.allocateFrom(path.toString()), (int) uid, (int) gid);
            if (rc != 0) {
                throw new ErrnoException("lchown " + path, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lchown downcall failed", t);
        }
    }
}
