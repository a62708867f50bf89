package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Extended attributes (xattr(7)) through the {@code l*} calls: every method acts on the path
 * itself and never follows a final symlink, because layer apply and diff must read and write
 * the link, not whatever it points to (which may lie outside the layer).
 *
 * <p>Values are bytes: {@code security.capability} is a binary struct, and overlayfs's
 * {@code trusted.overlay.opaque} is the single byte {@code y}. Names in the {@code trusted.}
 * namespace need CAP_SYS_ADMIN.
 */
public final class Xattrs {
    /** lsetxattr(2) flag: fail with EEXIST if the attribute exists. */
    public static final int XATTR_CREATE = 1;
    /** lsetxattr(2) flag: fail with ENODATA if the attribute does not exist. */
    public static final int XATTR_REPLACE = 2;

    private Xattrs() {}

    private static final class LSet {
        static final MethodHandle H = LibC.handle("lsetxattr", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT), true);
    }

    private static final class LGet {
        static final MethodHandle H = LibC.handle("lgetxattr", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), true);
    }

    private static final class LList {
        static final MethodHandle H = LibC.handle("llistxattr", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), true);
    }

    private static final class LRemove {
        static final MethodHandle H = LibC.handle("lremovexattr", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS), true);
    }

    /** {@code lsetxattr(2)}, creating or replacing the attribute. */
    public static void set(Path path, String name, byte[] value) throws ErrnoException {
        set(path, name, value, 0);
    }

    /** {@code lsetxattr(2)} with {@link #XATTR_CREATE} or {@link #XATTR_REPLACE}. */
    public static void set(Path path, String name, byte[] value, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            MemorySegment v = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) LSet.H.invokeExact(state, arena.allocateFrom(path.toString()),
                    arena.allocateFrom(name), v, (long) value.length, flags);
            if (rc != 0) {
                throw new ErrnoException("lsetxattr " + path + " " + name, LibC.errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lsetxattr downcall failed", t);
        }
    }

    /**
     * {@code lgetxattr(2)}: the value, or empty when the attribute is not set (ENODATA) or the
     * filesystem has no xattrs at all (EOPNOTSUPP).
     */
    public static Optional<byte[]> get(Path path, String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            MemorySegment p = arena.allocateFrom(path.toString());
            MemorySegment n = arena.allocateFrom(name);
            // Ask for the size, then read; retry if the value grew in between (ERANGE).
            for (int attempt = 0; ; attempt++) {
                long size = (long) LGet.H.invokeExact(state, p, n, MemorySegment.NULL, 0L);
                if (size < 0) {
                    return absentOrThrow("lgetxattr " + path + " " + name, LibC.errno(state));
                }
                MemorySegment buf = arena.allocate(Math.max(1, size));
                long got = (long) LGet.H.invokeExact(state, p, n, buf, size);
                if (got >= 0) {
                    return Optional.of(buf.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE));
                }
                int errno = LibC.errno(state);
                if (errno != ErrnoException.ERANGE || attempt > 8) {
                    return absentOrThrow("lgetxattr " + path + " " + name, errno);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lgetxattr downcall failed", t);
        }
    }

    /** {@code llistxattr(2)}: the attribute names, empty on filesystems without xattrs. */
    public static List<String> list(Path path) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            MemorySegment p = arena.allocateFrom(path.toString());
            for (int attempt = 0; ; attempt++) {
                long size = (long) LList.H.invokeExact(state, p, MemorySegment.NULL, 0L);
                if (size < 0) {
                    absentOrThrow("llistxattr " + path, LibC.errno(state));
                    return List.of();
                }
                if (size == 0) {
                    return List.of();
                }
                MemorySegment buf = arena.allocate(size);
                long got = (long) LList.H.invokeExact(state, p, buf, size);
                if (got >= 0) {
                    return splitNames(buf.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE));
                }
                int errno = LibC.errno(state);
                if (errno != ErrnoException.ERANGE || attempt > 8) {
                    absentOrThrow("llistxattr " + path, errno);
                    return List.of();
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("llistxattr downcall failed", t);
        }
    }

    /** Every attribute of {@code path} with its value, in the order the filesystem lists them. */
    public static Map<String, byte[]> getAll(Path path) throws ErrnoException {
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (String name : list(path)) {
            get(path, name).ifPresent(v -> all.put(name, v));
        }
        return all;
    }

    /** {@code lremovexattr(2)}; removing an attribute that is not set is not an error. */
    public static void remove(Path path, String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int rc = (int) LRemove.H.invokeExact(state, arena.allocateFrom(path.toString()),
                    arena.allocateFrom(name));
            if (rc != 0) {
                int errno = LibC.errno(state);
                if (errno != ErrnoException.ENODATA) {
                    throw new ErrnoException("lremovexattr " + path + " " + name, errno);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lremovexattr downcall failed", t);
        }
    }

    private static Optional<byte[]> absentOrThrow(String what, int errno) throws ErrnoException {
        if (errno == ErrnoException.ENODATA || errno == ErrnoException.EOPNOTSUPP) {
            return Optional.empty();
        }
        throw new ErrnoException(what, errno);
    }

    static List<String> splitNames(byte[] raw) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                if (i > start) {
                    names.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return names;
    }
}
