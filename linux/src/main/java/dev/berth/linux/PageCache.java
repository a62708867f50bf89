package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A file's pages in the kernel's page cache, for a file that is written once and then rarely
 * read, such as a downloaded blob: {@code sync_file_range(2)} starts writing a range back to
 * disk without waiting, and {@code posix_fadvise(POSIX_FADV_DONTNEED)} later drops the range's
 * pages once they are clean. The memory is reused for the next writes instead of fresh pages,
 * and the final {@code fsync} finds little left to write. Both calls are advice: pages still
 * dirty or under writeback are skipped, never lost.
 *
 * <p>Holds its own read-only descriptor on the file, because NIO's channels do not expose
 * theirs; the page cache belongs to the file, so advice through any descriptor applies.
 */
public final class PageCache implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int POSIX_FADV_DONTNEED = 4;

    private final Path file;
    private int fd;

    private PageCache(Path file, int fd) {
        this.file = file;
        this.fd = fd;
    }

    private static final class Open {
        static final MethodHandle H = LibC.handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
    }

    private static final class Close {
        static final MethodHandle H = LibC.handle("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), false);
    }

    private static final class SyncFileRange {
        static final MethodHandle H = LibC.handle("sync_file_range", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), true);
    }

    private static final class Fadvise {
        // posix_fadvise returns the error number instead of setting errno.
        static final MethodHandle H = LibC.handle("posix_fadvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), false);
    }

    /** Opens {@code file} (which must exist) for advice on its pages. */
    public static PageCache open(Path file) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) Open.H.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new ErrnoException("open " + file, LibC.errno(state));
            }
            return new PageCache(file, fd);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    /** Starts writing the dirty pages of {@code [offset, offset + length)} back to disk; does not wait for them. */
    public void startWriteBack(long offset, long length) throws ErrnoException {
        if (length <= 0) {
            return;
        }
        int fd = descriptor();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) SyncFileRange.H.invokeExact(state, fd, offset, length, SYNC_FILE_RANGE_WRITE);
            if (rc != 0) {
                throw new ErrnoException("sync_file_range " + file, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sync_file_range downcall failed", t);
        }
    }

    /** Drops the clean pages of {@code [offset, offset + length)} (length 0: to the end of the file). */
    public void drop(long offset, long length) throws ErrnoException {
        int fd = descriptor();
        int rc;
        try {
            rc = (int) Fadvise.H.invokeExact(fd, offset, length, POSIX_FADV_DONTNEED);
        } catch (Throwable t) {
            throw new IllegalStateException("posix_fadvise downcall failed", t);
        }
        if (rc != 0) {
            throw new ErrnoException("posix_fadvise " + file, rc);
        }
    }

    private int descriptor() {
        if (fd < 0) {
            throw new IllegalStateException(file + ": page cache handle closed");
        }
        return fd;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            try {
                int ignored = (int) Close.H.invokeExact(fd);
            } catch (Throwable t) {
                throw new IllegalStateException("close downcall failed", t);
            } finally {
                fd = -1;
            }
        }
    }
}
