package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The window size of a terminal that some other process holds, set and read through its path
 * ({@code /proc/<pid>/fd/0} names the pty slave a container's process reads from). Setting it
 * with {@code TIOCSWINSZ} is what makes the kernel send {@code SIGWINCH} to the terminal's
 * foreground process group (tty_ioctl(4)), so the program in it redraws as it would for a
 * resize through the pty's master. The terminal is opened {@code O_NOCTTY}, so the caller never
 * makes it its controlling terminal, and {@code O_NONBLOCK}, so a fifo or a device that is not
 * a terminal cannot hang the open; those fail the ioctl with {@code ENOTTY} instead.
 */
public final class Terminals {
    private static final int O_NOCTTY = 0x100;
    /** From {@code <asm-generic/ioctls.h>}, the same on x86_64 and aarch64. */
    private static final long TIOCGWINSZ = 0x5413;
    private static final long TIOCSWINSZ = 0x5414;
    /** {@code struct winsize}: rows, columns, then the pixel sizes nobody sets. */
    private static final StructLayout WINSIZE = MemoryLayout.structLayout(ValueLayout.JAVA_SHORT.withName("ws_row"),
            ValueLayout.JAVA_SHORT.withName("ws_col"), ValueLayout.JAVA_SHORT.withName("ws_xpixel"),
            ValueLayout.JAVA_SHORT.withName("ws_ypixel"));

    /** A terminal's size in character cells. */
    public record WindowSize(int rows, int columns) {}

    private Terminals() {}

    /** Sets the terminal at {@code tty} to {@code rows} by {@code columns} ({@code ENOTTY} if it is no terminal). */
    public static void resize(Path tty, int rows, int columns) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(WINSIZE);
            size.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
            size.set(ValueLayout.JAVA_SHORT, 2, (short) columns);
            ioctl(tty, TIOCSWINSZ, size, "set the window size of " + tty);
        }
    }

    /** The size of the terminal at {@code tty}. */
    public static WindowSize size(Path tty) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(WINSIZE);
            ioctl(tty, TIOCGWINSZ, size, "get the window size of " + tty);
            return new WindowSize(Short.toUnsignedInt(size.get(ValueLayout.JAVA_SHORT, 0)),
                    Short.toUnsignedInt(size.get(ValueLayout.JAVA_SHORT, 2)));
        }
    }

    private static void ioctl(Path tty, long request, MemorySegment size, String what) throws ErrnoException {
        int fd = Descriptors.open(tty.toString(),
                Descriptors.O_RDWR | O_NOCTTY | Descriptors.O_NONBLOCK | Descriptors.O_CLOEXEC);
        try {
            Descriptors.ioctl(fd, request, size, what);
        } finally {
            LibC.close(fd);
        }
    }
}
