package dev.berth.daemon.container;

import java.util.List;
import java.util.Locale;

/**
 * Signal names and numbers as moby's {@code signal.ParseSignal} reads them for
 * {@code StopSignal}: a number, or a Linux signal name with or without {@code SIG}
 * ({@code SIGTERM}, {@code term}), or {@code RTMIN+n} / {@code RTMAX-n}.
 */
final class Signals {
    /** Linux x86-64/arm64 numbering: index = signal number ({@code signal(7)}). */
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS",
            "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",
            "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private Signals() {}

    /** The signal's number; refuses what dockerd refuses with {@code Invalid signal: …}. */
    static int parse(String raw) {
        try {
            int n = Integer.parseInt(raw);
            if (n > 0 && n <= RTMAX) {
                return n;
            }
            throw invalid(raw);
        } catch (NumberFormatException notNumeric) {
            String name = raw.toUpperCase(Locale.ROOT);
            if (name.startsWith("SIG")) {
                name = name.substring(3);
            }
            int i = NAMES.indexOf(name);
            if (i > 0) {
                return i;
            }
            if (name.equals("IOT")) {
                return 6;
            }
            if (name.equals("POLL")) {
                return 29;
            }
            if (name.equals("RTMIN")) {
                return RTMIN;
            }
            if (name.equals("RTMAX")) {
                return RTMAX;
            }
            try {
                if (name.startsWith("RTMIN+")) {
                    int n = RTMIN + Integer.parseInt(name.substring(6));
                    if (n <= RTMAX) {
                        return n;
                    }
                } else if (name.startsWith("RTMAX-")) {
                    int n = RTMAX - Integer.parseInt(name.substring(6));
                    if (n >= RTMIN) {
                        return n;
                    }
                }
            } catch (NumberFormatException ignored) {
                // falls through to the refusal
            }
            throw invalid(raw);
        }
    }

    private static InvalidContainerConfigException invalid(String raw) {
        return new InvalidContainerConfigException("Invalid signal: " + raw);
    }
}
