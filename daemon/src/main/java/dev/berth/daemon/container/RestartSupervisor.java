package dev.berth.daemon.container;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts containers again as their restart policies say, after dockerd's backoff. When a
 * container ends, {@link #afterExit} asks its {@link RestartPolicy} and, for a restart, keeps a
 * pending start that fires after the container's {@link RestartBackoff}. The container is
 * "restarting" meanwhile; {@code docker stop} or {@code rm -f} {@link #cancel} the pending
 * start, and the start itself {@link #claim}s it, both under the container's lock, so exactly
 * one of them wins.
 *
 * <p>The timer and the clock are given, so that the decision and the backoff are tested
 * without waiting.
 */
final class RestartSupervisor {
    /** Runs a task after a delay; what it returns cancels it. */
    interface Timer {
        Runnable schedule(Duration delay, Runnable task);
    }

    private final Clock clock;
    private final Timer timer;
    private final Map<String, RestartBackoff> backoffs = new ConcurrentHashMap<>();
    private final Map<String, Runnable> pending = new ConcurrentHashMap<>();

    RestartSupervisor(Clock clock, Timer timer) {
        this.clock = clock;
        this.timer = timer;
    }

    /** On the system clock, with one timer thread that hands each start to a virtual thread of its own. */
    static RestartSupervisor onSystemClock() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("restart-timer").factory());
        return new RestartSupervisor(Clock.systemUTC(), (delay, task) -> {
            var f = timer.schedule(() -> Thread.ofVirtual().name("restart").start(task), delay.toNanos(),
                    TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        });
    }

    /**
     * A container ended: if its policy restarts it, {@code start} is scheduled after the backoff
     * and the wait is returned; else nothing is pending for it.
     *
     * @param startedAt when the run that ended began, for the backoff's reset after a stable run
     */
    Optional<Duration> afterExit(String id, RestartPolicy policy, int exitCode, boolean stoppedByUser,
            int restartCount, Instant startedAt, Runnable start) {
        if (!policy.afterExit(exitCode, stoppedByUser, restartCount)) {
            return Optional.empty();
        }
        Duration ran = startedAt == null ? Duration.ZERO : Duration.between(startedAt, clock.instant());
        Duration delay = backoffs.computeIfAbsent(id, k -> new RestartBackoff()).next(ran);
        schedule(id, delay, start);
        return Optional.of(delay);
    }

    /** Schedules {@code start} for {@code id} after {@code delay}, as for a restart found pending at daemon start. */
    void schedule(String id, Duration delay, Runnable start) {
        Runnable previous = pending.put(id, timer.schedule(delay, start));
        if (previous != null) {
            previous.run();
        }
    }

    /** The scheduled start runs: true if it still may (it was not cancelled), and it is no longer pending. */
    boolean claim(String id) {
        return pending.remove(id) != null;
    }

    /** Cancels a pending start; true if there was one. */
    boolean cancel(String id) {
        Runnable cancel = pending.remove(id);
        if (cancel == null) {
            return false;
        }
        cancel.run();
        return true;
    }

    /** The user started, or removed, the container: a new policy run begins with a fresh backoff, as dockerd's. */
    void reset(String id) {
        cancel(id);
        backoffs.remove(id);
    }
}
