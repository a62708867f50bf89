package dev.berth.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The stages of one container start with their durations, so that a slow start has a name
 * ({@code jvm 38.1ms, parse spec 12.0ms, plan 3.2ms, shim until ready 21.4ms, ...}). Marks are
 * cheap and always taken; the summary is logged at FINE, which {@code --debug} shows.
 */
public final class StartTrace {
    private static final Logger LOG = Logger.getLogger(StartTrace.class.getName());
    private static final List<String> NAMES = new ArrayList<>();
    private static final List<Long> TIMES = new ArrayList<>();

    private StartTrace() {}

    /** Marks the end of the stage called {@code name}. */
    public static synchronized void mark(String name) {
        NAMES.add(name);
        TIMES.add(System.nanoTime());
    }

    /** Logs every stage since the JVM started; the first is the JVM's own start. */
    public static synchronized void log() {
        if (NAMES.isEmpty() || !LOG.isLoggable(java.util.logging.Level.FINE)) {
            return;
        }
        long jvmStart = processStart().orElse(TIMES.get(0));
        StringBuilder s = new StringBuilder("start trace:");
        long previous = jvmStart;
        for (int i = 0; i < NAMES.size(); i++) {
            s.append(i == 0 ? " " : ", ").append(NAMES.get(i)).append(' ')
                    .append(String.format("%.1fms", (TIMES.get(i) - previous) / 1e6));
            previous = TIMES.get(i);
        }
        s.append(String.format(" (total %.1fms)", (previous - jvmStart) / 1e6));
        LOG.fine(s.toString());
    }

    /**
     * When this process started, on the nanoTime scale: its start in clock ticks since boot
     * (proc(5), /proc/self/stat field 22, at 100 ticks per second) against the uptime now.
     * ProcessHandle's start instant is rounded to whole seconds and useless at this scale.
     */
    private static java.util.OptionalLong processStart() {
        try {
            long now = System.nanoTime();
            double uptime = Double.parseDouble(java.nio.file.Files.readString(
                    java.nio.file.Path.of("/proc/uptime")).split(" ")[0]);
            long ticks = ProcInfo.startTime((int) ProcessHandle.current().pid());
            if (ticks < 0) {
                return java.util.OptionalLong.empty();
            }
            return java.util.OptionalLong.of(now - (long) ((uptime - ticks / 100.0) * 1e9));
        } catch (java.io.IOException | NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }
}
