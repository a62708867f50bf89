package dev.berth.daemon.container;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's health as its health check last judged it, kept in its state and shown by
 * {@code docker inspect} as {@code State.Health}: {@code starting} from each start until a probe
 * decides, {@code healthy} after a probe that exits 0, {@code unhealthy} once {@code Retries}
 * probes in a row have failed. Failures while the container is still in its start period do not
 * count, so a slow starter is not called unhealthy (dockerd's {@code handleProbeResult}). The
 * last {@link #MAX_LOG} probes are kept, oldest first. Immutable: each probe gives a new value.
 *
 * @param status        {@code starting}, {@code healthy} or {@code unhealthy}
 * @param failingStreak failed probes in a row that counted
 * @param log           the last probes, oldest first
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record Health(String status, int failingStreak, List<Probe> log) {
    public static final String STARTING = "starting";
    public static final String HEALTHY = "healthy";
    public static final String UNHEALTHY = "unhealthy";
    /** dockerd's {@code maxLogEntries}. */
    static final int MAX_LOG = 5;

    /**
     * One probe's result ({@code HealthcheckResult}).
     *
     * @param start    RFC 3339 time the probe started
     * @param end      RFC 3339 time it ended (or was given up at its timeout)
     * @param exitCode 0 healthy, anything else a failure; -1 for a probe that timed out or could not run
     * @param output   its stdout and stderr together, at most {@link Healthcheck#OUTPUT_LIMIT} bytes
     */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Probe(String start, String end, int exitCode, String output) {}

    /**
     * What {@code docker ps} adds to a running container's status ({@code Up 5 seconds (healthy)}),
     * in dockerd's words: {@code " (health: starting)"}, {@code " (healthy)"} or {@code " (unhealthy)"}.
     */
    public String statusSuffix() {
        return status.equals(STARTING) ? " (health: starting)" : " (" + status + ")";
    }

    /** The health at a start: {@code starting} with no failures, the earlier probes still listed as dockerd keeps them. */
    static Health starting(Health previous) {
        return new Health(STARTING, 0, previous == null ? List.of() : previous.log());
    }

    /**
     * The health after {@code probe}.
     *
     * @param inStartPeriod the container is still within its start period, where a failure
     *                      does not count while it has never been found healthy
     * @param retries       failures in a row that make it unhealthy
     */
    Health after(Probe probe, boolean inStartPeriod, int retries) {
        List<Probe> kept = new ArrayList<>(log);
        kept.add(probe);
        while (kept.size() > MAX_LOG) {
            kept.removeFirst();
        }
        List<Probe> newLog = List.copyOf(kept);
        if (probe.exitCode() == 0) {
            return new Health(HEALTHY, 0, newLog);
        }
        if (status.equals(STARTING) && inStartPeriod) {
            return new Health(status, failingStreak, newLog);
        }
        int streak = failingStreak + 1;
        return new Health(streak >= retries ? UNHEALTHY : status, streak, newLog);
    }
}
