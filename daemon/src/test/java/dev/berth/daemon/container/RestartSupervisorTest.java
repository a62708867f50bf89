package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The restart decision of each policy and dockerd's backoff, on a fake clock and a recording timer. */
class RestartSupervisorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A timer that only records what it was asked to run; tests fire the tasks themselves. */
    static final class RecordingTimer implements RestartSupervisor.Timer {
        final List<Duration> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();
        int cancelled;

        @Override
        public Runnable schedule(Duration delay, Runnable task) {
            delays.add(delay);
            tasks.add(task);
            return () -> cancelled++;
        }
    }

    private final RecordingTimer timer = new RecordingTimer();
    private final RestartSupervisor supervisor = new RestartSupervisor(Clock.fixed(T0, ZoneOffset.UTC), timer);

    private static RestartPolicy policy(String name, Integer max) {
        return RestartPolicy.of(new HostConfig.RestartPolicy(name, max));
    }

    @Test
    void eachPolicyDecidesAsDockerd() {
        assertThat(policy("no", null).afterExit(1, false, 0)).isFalse();
        assertThat(policy("", null).afterExit(1, false, 0)).isFalse();
        assertThat(RestartPolicy.of(null).afterExit(1, false, 0)).isFalse();
        assertThat(policy("always", null).afterExit(0, false, 7)).isTrue();
        assertThat(policy("unless-stopped", null).afterExit(0, false, 7)).isTrue();
        assertThat(policy("on-failure", null).afterExit(0, false, 0)).as("a clean exit").isFalse();
        assertThat(policy("on-failure", null).afterExit(3, false, 100)).as("no bound").isTrue();
        assertThat(policy("on-failure", 2).afterExit(3, false, 1)).isTrue();
        assertThat(policy("on-failure", 2).afterExit(3, false, 2)).as("after two restarts").isFalse();
    }

    @Test
    void aStopByTheUserHoldsBackEveryPolicyButAlwaysAtDaemonStart() {
        for (String name : List.of("always", "unless-stopped", "on-failure")) {
            assertThat(policy(name, null).afterExit(1, true, 0)).as(name).isFalse();
        }
        assertThat(policy("always", null).atDaemonStart(0, true, 0)).isTrue();
        assertThat(policy("unless-stopped", null).atDaemonStart(0, true, 0)).isFalse();
        assertThat(policy("unless-stopped", null).atDaemonStart(0, false, 0)).isTrue();
        assertThat(policy("on-failure", null).atDaemonStart(0, false, 0)).isFalse();
    }

    @Test
    void theBackoffDoublesFrom100msUpToAMinuteAndResetsAfterAStableRun() {
        RestartBackoff b = new RestartBackoff();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            millis.add(b.next(Duration.ofSeconds(1)).toMillis());
        }
        assertThat(millis).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 51200L,
                60000L, 60000L);
        assertThat(b.next(Duration.ofSeconds(10))).isEqualTo(Duration.ofMillis(100));
        assertThat(b.next(Duration.ofMillis(9999))).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aRestartIsScheduledAfterTheBackoffMeasuredOnTheClock() {
        Runnable start = () -> {};
        assertThat(supervisor.afterExit("c", policy("always", null), 0, false, 0, T0.minusSeconds(1), start))
                .contains(Duration.ofMillis(100));
        assertThat(supervisor.claim("c")).isTrue();
        assertThat(supervisor.afterExit("c", policy("always", null), 0, false, 1, T0.minusSeconds(1), start))
                .contains(Duration.ofMillis(200));
        assertThat(supervisor.claim("c")).isTrue();
        // this run lasted ten seconds on the clock: back to the first wait
        assertThat(supervisor.afterExit("c", policy("always", null), 0, false, 2, T0.minusSeconds(10), start))
                .contains(Duration.ofMillis(100));
        assertThat(timer.delays).hasSize(3);
    }

    @Test
    void aRecordWrittenBeforeRestartPoliciesReadsWithNoRestartsAndNoStopByTheUser() throws Exception {
        ContainerRecord.State s = dev.berth.daemon.http.Json.MAPPER.readValue("""
                {"Status":"exited","Pid":0,"ExitCode":1,"Error":"","StartedAt":"2026-01-01T00:00:00Z",
                 "FinishedAt":"2026-01-01T00:00:01Z","OOMKilled":false}""", ContainerRecord.State.class);
        assertThat(s.restartCount()).isZero();
        assertThat(s.stoppedByUser()).isFalse();
        ContainerRecord.State restarting = s.restarting();
        assertThat(restarting.status()).isEqualTo("restarting");
        assertThat(restarting.restartCount()).isEqualTo(1);
        assertThat(restarting.isRunning()).as("dockerd counts a restarting container as running").isTrue();
        assertThat(restarting.withStoppedByUser(true).exited(1, "", "x").stoppedByUser()).isTrue();
    }

    @Test
    void noRestartSchedulesNothing() {
        assertThat(supervisor.afterExit("c", policy("on-failure", 1), 1, false, 1, T0, () -> {})).isEqualTo(Optional.empty());
        assertThat(timer.tasks).isEmpty();
        assertThat(supervisor.claim("c")).isFalse();
    }

    @Test
    void aCancelledRestartCannotBeClaimedAndAClaimedOneCannotBeCancelled() {
        supervisor.afterExit("c", policy("always", null), 0, false, 0, T0, () -> {});
        assertThat(supervisor.cancel("c")).isTrue();
        assertThat(timer.cancelled).isEqualTo(1);
        assertThat(supervisor.claim("c")).as("the timer fired after the cancel").isFalse();

        supervisor.afterExit("c", policy("always", null), 0, false, 0, T0, () -> {});
        assertThat(supervisor.claim("c")).isTrue();
        assertThat(supervisor.cancel("c")).isFalse();
    }

    @Test
    void aStartByTheUserBeginsTheBackoffAgain() {
        supervisor.afterExit("c", policy("always", null), 0, false, 0, T0, () -> {});
        supervisor.claim("c");
        supervisor.afterExit("c", policy("always", null), 0, false, 1, T0, () -> {});
        supervisor.reset("c");
        assertThat(supervisor.claim("c")).isFalse();
        supervisor.afterExit("c", policy("always", null), 0, false, 0, T0, () -> {});
        assertThat(timer.delays).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(100));
    }
}
