package dev.berth.runtime.cgroup;

import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A cgroup could not be created, limited, joined, frozen, read or removed. The message is one
 * lower-case line that names the limit, the cgroup file and the kernel's answer, for example
 * {@code memory limit 1m: write /sys/fs/cgroup/memory/berth/x/memory.limit_in_bytes: device or
 * resource busy (usage 3m is above the new limit)}.
 *
 * <p>Java reports a failed {@code write(2)} on cgroupfs as a bare {@link IOException} whose message
 * is the C library's {@code strerror} text ("Device or resource busy"), and a failed {@code open(2)}
 * as a {@link FileSystemException} that repeats the path; {@link #reason} turns both into the
 * errno's lower-case text so that every message reads the same way.
 */
public final class CgroupException extends RuntimeFailure {
    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code <what>: write <file>: <reason>}, with an optional hint in parentheses. */
    static CgroupException write(String what, Path file, IOException e, String hint) {
        String m = what + ": write " + file + ": " + reason(e);
        return new CgroupException(hint == null ? m : m + " (" + hint + ")", e);
    }

    /** {@code <what>: not supported by this kernel (no <file>)}: a control file that is not there. */
    static CgroupException unsupported(String what, String file) {
        return new CgroupException(what + ": not supported by this kernel (no " + file + ")");
    }

    /** The errno text of an I/O failure, lower case, without the path Java puts in front. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String r = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (r == null || r.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return r.toLowerCase(Locale.ROOT);
    }

    /** True when the kernel answered with the errno whose strerror text this is. */
    static boolean is(IOException e, String strerror) {
        return reason(e).equals(strerror);
    }

    static final String EBUSY = "device or resource busy";
    static final String EINVAL = "invalid argument";
    static final String ENOSPC = "no space left on device";
    static final String ESRCH = "no such process";

    /**
     * Bytes the way a person writes them in a limit: {@code 1m}, {@code 512k}, {@code 2g}, or the
     * plain number when it is not a whole multiple; {@code -1} is {@code unlimited}.
     */
    static String bytes(long n) {
        if (n < 0) {
            return "unlimited";
        }
        String[] units = {"g", "m", "k"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (n >= sizes[i] && n % sizes[i] == 0) {
                return n / sizes[i] + units[i];
            }
        }
        return Long.toString(n);
    }
}
