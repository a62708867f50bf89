package dev.berth.daemon.container;

import dev.berth.oci.image.ImageConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's health check as it runs: the command to probe with and its timing, from the
 * merged {@code Config.Healthcheck} (the request's fields over the image's {@code HEALTHCHECK},
 * see {@link ImageDefaults}) with dockerd's defaults for what neither sets: interval and timeout
 * 30s, start period 0, start interval 5s, 3 retries. {@code ["CMD", args…]} runs the arguments
 * as they are; {@code ["CMD-SHELL", "cmd"]} runs them through the container's shell ({@code
 * Config.Shell}, else {@code /bin/sh -c}); {@code ["NONE"]} ({@code --no-healthcheck}) and an
 * absent or empty test mean no health check.
 */
record Healthcheck(List<String> command, Duration interval, Duration timeout, Duration startPeriod,
        Duration startInterval, int retries) {
    /** dockerd's {@code maxOutputLen}: a probe's output is cut there. */
    static final int OUTPUT_LIMIT = 4096;

    /** The health check of {@code config}, or null for none. */
    static Healthcheck of(ContainerConfig config) {
        ImageConfig.HealthCheck h = config.healthcheck();
        if (h == null || h.test() == null || h.test().isEmpty()) {
            return null;
        }
        List<String> test = h.test();
        List<String> command;
        switch (test.getFirst()) {
            case "CMD" -> command = test.subList(1, test.size());
            case "CMD-SHELL" -> {
                List<String> shell = config.shell() == null || config.shell().isEmpty()
                        ? List.of("/bin/sh", "-c") : config.shell();
                command = new ArrayList<>(shell);
                command.add(String.join(" ", test.subList(1, test.size())));
            }
            default -> command = List.of(); // NONE, or a kind dockerd does not know either
        }
        if (command.isEmpty()) {
            return null;
        }
        return new Healthcheck(List.copyOf(command), orDefault(h.interval(), Duration.ofSeconds(30)),
                orDefault(h.timeout(), Duration.ofSeconds(30)), orDefault(h.startPeriod(), Duration.ZERO),
                orDefault(h.startInterval(), Duration.ofSeconds(5)),
                h.retries() == null || h.retries() <= 0 ? 3 : h.retries());
    }

    private static Duration orDefault(Long nanos, Duration fallback) {
        return nanos == null || nanos <= 0 ? fallback : Duration.ofNanos(nanos);
    }

    /** Whether a container started at {@code startedAt} is still within its start period at {@code now}. */
    boolean inStartPeriod(Instant startedAt, Instant now) {
        return now.isBefore(startedAt.plus(startPeriod));
    }

    /**
     * How long to wait before the next probe: the start interval while the container is still
     * {@code starting} within its start period, the interval otherwise.
     */
    Duration nextWait(Health health, Instant startedAt, Instant now) {
        boolean starting = health == null || health.status().equals(Health.STARTING);
        return starting && inStartPeriod(startedAt, now) ? startInterval : interval;
    }

    /** What a probe that outlived its timeout reports, in dockerd's words. */
    String timeoutMessage() {
        return "Health check exceeded timeout (" + goDuration(timeout) + ")";
    }

    /** A duration as Go's {@code time.Duration.String} writes it ({@code 30s}, {@code 500ms}, {@code 1m30s}). */
    static String goDuration(Duration d) {
        long ns = d.toNanos();
        if (ns == 0) {
            return "0s";
        }
        if (ns < 1_000) {
            return ns + "ns";
        }
        if (ns < 1_000_000) {
            return fraction(ns, 1_000) + "µs";
        }
        if (ns < 1_000_000_000) {
            return fraction(ns, 1_000_000) + "ms";
        }
        long hours = ns / 3_600_000_000_000L;
        long minutes = ns / 60_000_000_000L % 60;
        String seconds = fraction(ns % 60_000_000_000L, 1_000_000_000) + "s";
        if (hours > 0) {
            return hours + "h" + minutes + "m" + seconds;
        }
        return minutes > 0 ? minutes + "m" + seconds : seconds;
    }

    /** {@code value / unit} with its fraction, trailing zeros dropped, as Go writes it. */
    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + Long.toString(unit).length() + "d", rest).substring(1);
        return whole + "." + digits.replaceAll("0+$", "");
    }
}
