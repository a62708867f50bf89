package dev.berth.linux;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signal names and numbers for x86_64 and aarch64 Linux (they agree for the standard signals),
 * and {@code kill(2)}. Parsing accepts what runc and docker accept: {@code KILL}, {@code SIGKILL},
 * {@code 9}, and {@code RTMIN+3}.
 */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10,
            SIGUSR2 = 12, SIGPIPE = 13, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
            SIGWINCH = 28;
    private static final int SIGRTMIN = 34, SIGRTMAX = 64;

    private static final Map<String, Integer> BY_NAME = new TreeMap<>();

    static {
        String[] names = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP",
            "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
        for (int i = 1; i < names.length; i++) {
            BY_NAME.put(names[i], i);
        }
        BY_NAME.put("IOT", 6);
        BY_NAME.put("POLL", 29);
    }

    private Signals() {}

    /** The signal number for a name or number, or an {@link IllegalArgumentException} naming it. */
    public static int parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        Integer n = BY_NAME.get(s);
        if (n != null) {
            return n;
        }
        try {
            int v;
            if (s.startsWith("RTMIN")) {
                v = SIGRTMIN + (s.length() == 5 ? 0 : Integer.parseInt(s.substring(5)));
            } else if (s.startsWith("RTMAX")) {
                v = SIGRTMAX + (s.length() == 5 ? 0 : Integer.parseInt(s.substring(5)));
            } else {
                v = Integer.parseInt(s);
            }
            if (v >= 1 && v <= SIGRTMAX) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("invalid signal: " + text);
    }

    /** The name without the SIG prefix, such as {@code TERM}, or the number as text. */
    public static String name(int signal) {
        for (var e : BY_NAME.entrySet()) {
            if (e.getValue() == signal && !e.getKey().equals("IOT") && !e.getKey().equals("POLL")) {
                return e.getKey();
            }
        }
        return Integer.toString(signal);
    }

    /** {@code kill(2)}. */
    public static void kill(int pid, int signal) throws ErrnoException {
        LibC.kill(pid, signal);
    }
}
