package dev.berth.linux;

import java.util.Locale;

/** Turns errno values into the lower-case text that glibc's {@code strerror} gives. */
public final class Errno {
    // The common errors are spelled here so that a message never needs a downcall; the rest
    // go through strerror(3).
    private static final String[] TEXT = {
        "success", "operation not permitted", "no such file or directory", "no such process",
        "interrupted system call", "input/output error", "no such device or address",
        "argument list too long", "exec format error", "bad file descriptor", "no child processes",
        "resource temporarily unavailable", "cannot allocate memory", "permission denied",
        "bad address", "block device required", "device or resource busy", "file exists",
        "invalid cross-device link", "no such device", "not a directory", "is a directory",
        "invalid argument", "too many open files in system", "too many open files",
        "inappropriate ioctl for device", "text file busy", "file too large",
        "no space left on device", "illegal seek", "read-only file system", "too many links",
        "broken pipe", "numerical argument out of domain", "numerical result out of range",
        "resource deadlock avoided", "file name too long", "no locks available",
        "function not implemented", "directory not empty", "too many levels of symbolic links",
    };

    private Errno() {}

    public static String describe(int errno) {
        if (errno >= 0 && errno < TEXT.length) {
            return TEXT[errno];
        }
        String s = LibC.strerror(errno);
        return s == null ? "errno " + errno : s.toLowerCase(Locale.ROOT);
    }
}
