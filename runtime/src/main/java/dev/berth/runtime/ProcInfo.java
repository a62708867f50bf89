package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code /proc/<pid>/stat} says of a process: whether it lives and when it started, so
 * that a pid the kernel has recycled is never taken for the container's process.
 */
public final class ProcInfo {
    private ProcInfo() {}

    /** The start time in clock ticks (field 22), or -1 if there is no such process. */
    public static long startTime(int pid) {
        String[] f = fields(pid);
        return f == null ? -1 : Long.parseLong(f[19]);
    }

    /** True if {@code pid} is running (not a zombie) and started at {@code startTime}. */
    public static boolean alive(int pid, long startTime) {
        if (pid <= 0) {
            return false;
        }
        String[] f = fields(pid);
        return f != null && !f[0].equals("Z") && !f[0].equals("X") && Long.parseLong(f[19]) == startTime;
    }

    /** The fields after the command name (field 3 onward), or null. */
    private static String[] fields(int pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name is in parentheses and may itself contain spaces or parentheses.
            return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException e) {
            return null;
        }
    }
}
