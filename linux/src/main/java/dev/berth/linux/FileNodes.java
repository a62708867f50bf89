package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Special files that Java's NIO cannot create: character and block devices and fifos, through
 * {@code mknod(2)}, and symlinks with exactly the target text given. An overlayfs whiteout is a
 * character device with device number 0/0.
 *
 * <p>The process umask applies to the permission bits, as with every creating call: callers
 * that need exact bits set them afterwards (layer apply does, so that setuid bits survive).
 */
public final class FileNodes {
    /** File type bits of {@code st_mode} (inode(7)). */
    public static final int S_IFMT = 0170000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFSOCK = 0140000;

    private FileNodes() {}

    private static final class Mknod {
        static final MethodHandle H = LibC.handle("mknod", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), true);
    }

    private static final class Symlink {
        static final MethodHandle H = LibC.handle("symlink", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS), true);
    }

    /**
     * {@code symlink(2)} with the target text exactly as given. NIO's createSymbolicLink takes a
     * {@code Path}, which drops repeated and trailing slashes ({@code "lib/"} becomes {@code "lib"},
     * a different link); a layer's link must stay byte for byte what its tar says.
     */
    public static void symlink(String target, Path link) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Symlink.H.invokeExact(state, arena.allocateFrom(target),
                    arena.allocateFrom(link.toString()));
            if (rc != 0) {
                throw new ErrnoException("symlink " + link, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("symlink downcall failed", t);
        }
    }

    /** A character device {@code major:minor}; 0:0 is an overlayfs whiteout. */
    public static void mkchar(Path path, int permissions, int major, int minor) throws ErrnoException {
        mknod(path, S_IFCHR | (permissions & 07777), makedev(major, minor));
    }

    /** A block device {@code major:minor}. */
    public static void mkblock(Path path, int permissions, int major, int minor) throws ErrnoException {
        mknod(path, S_IFBLK | (permissions & 07777), makedev(major, minor));
    }

    /** A fifo, {@code mkfifo(3)}. */
    public static void mkfifo(Path path, int permissions) throws ErrnoException {
        mknod(path, S_IFIFO | (permissions & 07777), 0);
    }

    /** {@code mknod(2)}: {@code mode} carries both the file type and the permission bits. */
    public static void mknod(Path path, int mode, long dev) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Mknod.H.invokeExact(state, arena.allocateFrom(path.toString()), mode, dev);
            if (rc != 0) {
                throw new ErrnoException("mknod " + path, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mknod downcall failed", t);
        }
    }

    /** glibc's {@code makedev(3)}: the 64-bit {@code dev_t} encoding of major and minor. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xffL) << 12) | ((ma & ~0xfffL) << 32);
    }

    /** glibc's {@code major(3)}, for an {@code st_rdev} such as NIO's {@code unix:rdev}. */
    public static int major(long dev) {
        return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
    }

    /** glibc's {@code minor(3)}. */
    public static int minor(long dev) {
        return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
    }
}
