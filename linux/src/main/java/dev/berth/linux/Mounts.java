package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * {@code mount(2)} and {@code umount2(2)}, as the daemon uses them for snapshots and bundles.
 *
 * <p>Every call acts on the calling thread's mount namespace, which for the daemon is the host's.
 * {@link #mountFrom} exists for overlay mounts whose option string would not fit the kernel's
 * one-page limit with absolute paths: it resolves relative paths from a directory without ever
 * changing the working directory of the rest of the JVM.
 */
public final class Mounts {
    // <linux/mount.h>, MS_* flags of mount(2)
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_MANDLOCK = 64;
    public static final long MS_DIRSYNC = 128;
    public static final long MS_NOSYMFOLLOW = 256;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_SILENT = 32768;
    public static final long MS_UNBINDABLE = 1L << 17;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;
    public static final long MS_SHARED = 1L << 20;
    public static final long MS_RELATIME = 1L << 21;
    public static final long MS_STRICTATIME = 1L << 24;
    public static final long MS_LAZYTIME = 1L << 25;

    // umount2(2) flags
    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;
    public static final int MNT_EXPIRE = 4;
    public static final int UMOUNT_NOFOLLOW = 8;

    /**
     * The longest option string mount(2) accepts: the kernel copies one page of {@code data}
     * ({@code copy_mount_options}), and the string needs its terminating NUL inside that page.
     */
    public static final int MAX_DATA_LENGTH = 4095;

    private static final int CLONE_FS = 0x00000200;

    private Mounts() {}

    private static final class Mount {
        static final MethodHandle H = LibC.handle("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS), true);
    }

    private static final class Umount2 {
        static final MethodHandle H = LibC.handle("umount2",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
    }

    private static final class Unshare {
        static final MethodHandle H = LibC.handle("unshare",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    private static final class Chdir {
        static final MethodHandle H = LibC.handle("chdir",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS), true);
    }

    /**
     * {@code mount(2)}. {@code source}, {@code type} and {@code data} may be null. Failures read
     * like {@code mount overlay on /x: no such file or directory}.
     */
    public static void mount(String source, Path target, String type, long flags, String data)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Mount.H.invokeExact(state, LibC.cString(arena, source),
                    LibC.cString(arena, target.toString()), LibC.cString(arena, type), flags,
                    LibC.cString(arena, data));
            if (rc != 0) {
                throw new ErrnoException(describe(source, target, type, flags), LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mount downcall failed", t);
        }
    }

    /** {@code umount2(2)} with {@link #MNT_DETACH} and the other {@code MNT_*} flags. */
    public static void unmount(Path target, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Umount2.H.invokeExact(state, arena.allocateFrom(target.toString()), flags);
            if (rc != 0) {
                throw new ErrnoException("umount " + target, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("umount2 downcall failed", t);
        }
    }

    /**
     * {@link #mount}, with relative paths in {@code data} resolved from {@code dir}.
     *
     * <p>The kernel resolves the relative {@code lowerdir} paths of an overlay mount against the
     * calling thread's working directory. A JVM's threads share one working directory (their
     * {@code fs_struct}), so this runs the mount on a fresh platform thread that first calls
     * {@code unshare(CLONE_FS)}: only that thread gets a private working directory, which it
     * then changes, mounts from, and takes with it when it ends. This is containerd's
     * {@code mountAt} in Java; {@code unshare(CLONE_FS)} is allowed in a multi-threaded process
     * (unshare(2): only CLONE_NEWUSER and the VM/signal flags need a single thread).
     *
     * @param target an absolute path, so that it does not depend on {@code dir}
     */
    public static void mountFrom(Path dir, String source, Path target, String type, long flags, String data)
            throws ErrnoException {
        if (!target.isAbsolute()) {
            throw new IllegalArgumentException("mount target must be absolute: " + target);
        }
        ErrnoException[] failure = new ErrnoException[1];
        RuntimeException[] crash = new RuntimeException[1];
        Thread thread = Thread.ofPlatform().name("berth-mount-from").unstarted(() -> {
            try {
                // Never chdir without the private fs_struct: that would move every JVM thread.
                simpleCall(Unshare.H, "unshare CLONE_FS", CLONE_FS);
                chdir(dir);
                mount(source, target, type, flags, data);
            } catch (ErrnoException e) {
                failure[0] = e;
            } catch (RuntimeException e) {
                crash[0] = e;
            }
        });
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the mount is under way; wait for its outcome
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (crash[0] != null) {
            throw crash[0];
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static void chdir(Path dir) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) Chdir.H.invokeExact(state, arena.allocateFrom(dir.toString()));
            if (rc != 0) {
                throw new ErrnoException("chdir " + dir, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("chdir downcall failed", t);
        }
    }

    private static void simpleCall(MethodHandle h, String what, int arg) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) h.invokeExact(state, arg);
            if (rc != 0) {
                throw new ErrnoException(what, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + " downcall failed", t);
        }
    }

    private static String describe(String source, Path target, String type, long flags) {
        if ((flags & MS_REMOUNT) != 0) {
            return "remount " + target;
        }
        if ((flags & MS_BIND) != 0) {
            return "bind mount " + source + " on " + target;
        }
        if ((flags & (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)) != 0 && type == null) {
            return "set propagation of " + target;
        }
        if ((flags & MS_MOVE) != 0) {
            return "move mount " + source + " to " + target;
        }
        return "mount " + (type != null ? type : source) + " on " + target;
    }
}
