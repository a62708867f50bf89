package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The stages of one container start with their durations, so that a slow start has a name
 * ({@code jvm 38.1ms, parse spec 12.0ms, plan 3.2ms, shim until ready 21.4ms, ...}). A trace
 * belongs to the thread that began it: the runtime's code marks its stages with the static
 * {@link #mark}, which is a no-op on a thread without a trace, so a daemon that starts many
 * containers at once keeps each start's stages apart and keeps none after {@link #close}.
 */
public final class StartTrace implements AutoCloseable {
    private static final ThreadLocal<StartTrace> CURRENT = new ThreadLocal<>();

    private final long origin;
    private final List<String> names = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();

    private StartTrace(long origin) {
        this.origin = origin;
    }

    /** Begins a trace on this thread whose first stage starts now. */
    public static StartTrace begin() {
        return begin(System.nanoTime());
    }

    /** Begins a trace whose first stage starts when this process started (for a CLI call: the JVM's start is its first cost). */
    public static StartTrace beginAtProcessStart() {
        long now = System.nanoTime();
        return begin(processStart().orElse(now));
    }

    private static StartTrace begin(long origin) {
        StartTrace trace = new StartTrace(origin);
        CURRENT.set(trace);
        return trace;
    }

    /** Marks the end of the stage called {@code name} in this thread's trace, if it has one. */
    public static void mark(String name) {
        StartTrace trace = CURRENT.get();
        if (trace != null) {
            trace.names.add(name);
            trace.times.add(System.nanoTime());
        }
    }

    /** Each stage and its duration, then the total: {@code a 1.0ms, b 2.5ms (total 3.5ms)}. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        long previous = origin;
        for (int i = 0; i < names.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ')
                    .append(String.format("%.1fms", (times.get(i) - previous) / 1e6));
            previous = times.get(i);
        }
        return s.append(String.format(" (total %.1fms)", (previous - origin) / 1e6)).toString();
    }

    /** Ends the trace: later marks on this thread go nowhere. */
    @Override
    public void close() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /**
     * When this process started, on the nanoTime scale: its start in clock ticks since boot
     * (proc(5), /proc/self/stat field 22, at 100 ticks per second) against the uptime now.
     * ProcessHandle's start instant is rounded to whole seconds and useless at this scale.
     */
    private static OptionalLong processStart() {
        try {
            long now = System.nanoTime();
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            long ticks = ProcInfo.startTime((int) ProcessHandle.current().pid());
            if (ticks < 0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(now - (long) ((uptime - ticks / 100.0) * 1e9));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
