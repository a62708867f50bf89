package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.http.Json;
import dev.berth.oci.image.ImageConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health state machine: streaks, retries, the start period and the kept log, on a clock the test sets. */
class HealthTest {
    private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00Z");

    private static Health.Probe probe(int code) {
        return new Health.Probe("s", "e", code, "out " + code);
    }

    private static Healthcheck check(Long startPeriod, Integer retries) {
        return Healthcheck.of(config(new ImageConfig.HealthCheck(List.of("CMD", "true"), 1_000_000_000L, null,
                startPeriod, 200_000_000L, retries)));
    }

    private static ContainerConfig config(ImageConfig.HealthCheck h) {
        ContainerConfig e = ContainerConfig.empty();
        return new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null, null, h, null,
                null, null, null, null, null, null, null, null, null, e.shell());
    }

    @Test
    void failuresBecomeUnhealthyAtRetriesAndOneSuccessHeals() {
        Health h = Health.starting(null);
        h = h.after(probe(1), false, 3);
        assertThat(h.status()).isEqualTo("starting");
        assertThat(h.failingStreak()).isEqualTo(1);
        h = h.after(probe(1), false, 3).after(probe(2), false, 3);
        assertThat(h.status()).isEqualTo("unhealthy");
        assertThat(h.failingStreak()).isEqualTo(3);
        h = h.after(probe(0), false, 3);
        assertThat(h.status()).isEqualTo("healthy");
        assertThat(h.failingStreak()).isZero();
        h = h.after(probe(1), false, 3);
        assertThat(h.status()).isEqualTo("healthy"); // one failure is not enough to fall
    }

    @Test
    void failuresInTheStartPeriodDoNotCountUntilFirstHealthy() {
        Healthcheck c = check(10_000_000_000L, 1);
        Instant early = STARTED.plusSeconds(2);
        Health h = Health.starting(null).after(probe(1), c.inStartPeriod(STARTED, early), c.retries());
        assertThat(h.status()).isEqualTo("starting");
        assertThat(h.failingStreak()).isZero();
        assertThat(h.log()).hasSize(1);
        Health late = h.after(probe(1), c.inStartPeriod(STARTED, STARTED.plusSeconds(11)), c.retries());
        assertThat(late.status()).isEqualTo("unhealthy");
        Health healthy = h.after(probe(0), true, 1);
        assertThat(healthy.after(probe(1), c.inStartPeriod(STARTED, early), 1).status())
                .isEqualTo("unhealthy"); // once healthy, the start period no longer shields it
    }

    @Test
    void probesComeEveryStartIntervalWhileStartingInTheStartPeriod() {
        Healthcheck c = check(10_000_000_000L, null);
        Health starting = Health.starting(null);
        assertThat(c.nextWait(starting, STARTED, STARTED.plusSeconds(1))).isEqualTo(Duration.ofMillis(200));
        assertThat(c.nextWait(starting, STARTED, STARTED.plusSeconds(10))).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.nextWait(starting.after(probe(0), true, 3), STARTED, STARTED.plusSeconds(1)))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void psSuffixIsDockerds() {
        Health starting = Health.starting(null);
        assertThat(starting.statusSuffix()).isEqualTo(" (health: starting)");
        assertThat(starting.after(probe(0), false, 1).statusSuffix()).isEqualTo(" (healthy)");
        assertThat(starting.after(probe(1), false, 1).statusSuffix()).isEqualTo(" (unhealthy)");
    }

    @Test
    void logKeepsTheLastFiveOldestFirst() {
        Health h = Health.starting(null);
        for (int i = 0; i < 7; i++) {
            h = h.after(probe(i), false, 100);
        }
        assertThat(h.log()).extracting(Health.Probe::exitCode).containsExactly(2, 3, 4, 5, 6);
        assertThat(Health.starting(h).log()).hasSize(5);
        assertThat(Health.starting(h).failingStreak()).isZero();
    }

    @Test
    void defaultsCommandsAndNone() {
        Healthcheck d = Healthcheck.of(config(new ImageConfig.HealthCheck(List.of("CMD-SHELL", "test -f /x"), null,
                null, null, null, null)));
        assertThat(d.command()).containsExactly("/bin/sh", "-c", "test -f /x");
        assertThat(d.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.startPeriod()).isZero();
        assertThat(d.startInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.retries()).isEqualTo(3);
        assertThat(d.timeoutMessage()).isEqualTo("Health check exceeded timeout (30s)");
        assertThat(check(null, null).command()).containsExactly("true");
        assertThat(Healthcheck.of(config(new ImageConfig.HealthCheck(List.of("NONE"), null, null, null, null, null))))
                .isNull();
        assertThat(Healthcheck.of(config(null))).isNull();
    }

    @Test
    void durationsReadAsGoWritesThem() {
        assertThat(Healthcheck.goDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Healthcheck.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Healthcheck.goDuration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Healthcheck.goDuration(Duration.ofMinutes(60))).isEqualTo("1h0m0s");
        assertThat(Healthcheck.goDuration(Duration.ofSeconds(60))).isEqualTo("1m0s");
    }

    @Test
    void stateWithHealthReadsBackAndOldStateReadsWithout() throws Exception {
        ContainerRecord.State s = ContainerRecord.State.created().withHealth(Health.starting(null).after(probe(0), false, 3));
        String json = Json.MAPPER.writeValueAsString(s);
        assertThat(json).contains("\"Health\":{\"Status\":\"healthy\",\"FailingStreak\":0,\"Log\":[{\"Start\":\"s\"");
        assertThat(Json.MAPPER.readValue(json, ContainerRecord.State.class)).isEqualTo(s);
        String old = "{\"Status\":\"exited\",\"Pid\":0,\"ExitCode\":1,\"StartedAt\":\"x\",\"FinishedAt\":\"y\"}";
        assertThat(Json.MAPPER.readValue(old, ContainerRecord.State.class).health()).isNull();
    }
}
