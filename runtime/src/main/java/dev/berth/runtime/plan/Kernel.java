package dev.berth.runtime.plan;

/** The kernel's constants that plans are written in ({@code mount.h}, {@code sys/stat.h}); namespace flags are on {@link dev.berth.oci.runtime.NamespaceType}. */
public final class Kernel {
    private Kernel() {}

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8,
            MS_SYNCHRONOUS = 16, MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128,
            MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096,
            MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768, MS_UNBINDABLE = 1 << 17,
            MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21,
            MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;

    public static final int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFBLK = 0060000;

    /** {@code makedev(3)} as glibc encodes it. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }
}
