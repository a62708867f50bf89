package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checks with the real docker CLI on a real berthd: {@code --health-*} options, the
 * status moving from starting to unhealthy and to healthy as the probe's answer changes, the
 * {@code health_status} events, a probe killed at its timeout, the image's {@code HEALTHCHECK}
 * and {@code --no-healthcheck}, and probes that go on after berthd is killed and started again.
 * Waits poll the observable status up to a generous bound; no assertion is about how long
 * anything took.
 */
@RequiresDockerCli
@RequiresRoot
class HealthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static ContainerDaemon berth;
    private static BerthdProcess daemon;
    private static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        berth = ContainerDaemon.start(dir);
        daemon = berth.daemon;
        docker = berth.docker;
    }

    @AfterEach
    void removeContainers() throws Exception {
        berth.removeContainers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void statusFollowsTheProbeAndChangesAreEvents() throws Exception {
        long since = Instant.now().getEpochSecond();
        docker.run("run", "-d", "--network", "none", "--name", "hc", "--health-cmd", "test -f /ok",
                "--health-interval", "1s", "--health-retries", "2", "--health-timeout", "10s", "busybox",
                "sleep", "1000").ok();
        assertThat(status("hc")).isEqualTo("starting");
        JsonNode config = inspect("hc").at("/Config/Healthcheck");
        assertThat(config.get("Test").toString()).isEqualTo("[\"CMD-SHELL\",\"test -f /ok\"]");
        assertThat(config.get("Retries").asInt()).isEqualTo(2);

        awaitStatus("hc", "unhealthy");
        JsonNode health = inspect("hc").at("/State/Health");
        assertThat(health.get("FailingStreak").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode last = health.get("Log").get(health.get("Log").size() - 1);
        assertThat(last.get("ExitCode").asInt()).isEqualTo(1);
        assertThat(Instant.parse(last.get("End").asText())).isAfterOrEqualTo(Instant.parse(last.get("Start").asText()));

        docker.run("exec", "hc", "touch", "/ok").ok();
        awaitStatus("hc", "healthy");
        assertThat(inspect("hc").at("/State/Health/FailingStreak").asInt()).isZero();
        assertThat(docker.run("ps", "--filter", "name=hc", "--format", "{{.Status}}").ok().out()).endsWith("(healthy)\n");

        String actions = docker.run("events", "--since", Long.toString(since), "--until",
                Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "container=hc", "--filter",
                "event=health_status", "--format", "{{.Action}}").ok().out();
        assertThat(actions.lines().toList()).containsSubsequence("health_status: unhealthy", "health_status: healthy");

        docker.run("stop", "-t", "0", "hc").ok();
        assertThat(inspect("hc").at("/State/Health/Status").asText()).isEqualTo("healthy"); // the last, as dockerd keeps it
        docker.run("start", "hc").ok();
        assertThat(status("hc")).isEqualTo("starting");
    }

    @Test
    void aProbePastItsTimeoutFailsInDockersWords() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "slow", "--health-cmd", "sleep 30",
                "--health-interval", "500ms", "--health-timeout", "300ms", "--health-retries", "1", "busybox",
                "sleep", "1000").ok();
        awaitStatus("slow", "unhealthy");
        JsonNode entry = inspect("slow").at("/State/Health/Log/0");
        assertThat(entry.get("ExitCode").asInt()).isEqualTo(-1);
        assertThat(entry.get("Output").asText()).isEqualTo("Health check exceeded timeout (300ms)");
    }

    @Test
    void theImagesHealthcheckRunsUnlessTurnedOff() throws Exception {
        docker.run("create", "--network", "none", "--name", "base", "busybox", "sleep", "1000").ok();
        byte[] body = """
                {"Healthcheck": {"Test": ["CMD", "sh", "-c", "echo fine; exit 0"], "Interval": 300000000}}
                """.getBytes(StandardCharsets.UTF_8);
        try (RawHttp http = RawHttp.connect(daemon.socket)) {
            RawHttp.Response r = http.request("POST", "/v1.50/commit?container=base&repo=checked&tag=latest", body,
                    "Content-Type: application/json");
            assertThat(r.status()).as(r.text()).isEqualTo(201);
        }
        try {
            docker.run("run", "-d", "--network", "none", "--name", "img", "checked", "sleep", "1000").ok();
            awaitStatus("img", "healthy");
            assertThat(inspect("img").at("/State/Health/Log/0/Output").asText()).isEqualTo("fine\n");

            docker.run("run", "-d", "--network", "none", "--name", "off", "--no-healthcheck", "checked", "sleep",
                    "1000").ok();
            assertThat(inspect("off").at("/Config/Healthcheck/Test").toString()).isEqualTo("[\"NONE\"]");
            docker.run("exec", "off", "true").ok(); // a moment in which a monitor, were there one, could probe
            assertThat(inspect("off").at("/State").has("Health")).isFalse();
        } finally {
            removeContainers();
            docker.run("rmi", "checked").ok();
        }
    }

    @Test
    void aRestartedBerthdProbesTheContainersItAdopts() throws Exception {
        Path control = Files.createDirectories(dir.resolve("control"));
        docker.run("run", "-d", "--network", "none", "--name", "kept", "-v", control + ":/ctl", "--health-cmd",
                "test -f /ctl/ok", "--health-interval", "500ms", "--health-retries", "1", "busybox", "sleep",
                "1000").ok();
        awaitStatus("kept", "unhealthy");

        Files.writeString(control.resolve("ok"), "");
        berth = berth.killAndRestart(dir); // SIGKILL, by its pid; the after-all stops the new one
        daemon = berth.daemon;
        docker = berth.docker;

        assertThat(inspect("kept").at("/State/Status").asText()).as(daemon.log()).isEqualTo("running");
        awaitStatus("kept", "healthy");
    }

    private static String status(String name) throws Exception {
        return docker.run("inspect", "--format", "{{.State.Health.Status}}", name).ok().out().trim();
    }

    private static void awaitStatus(String name, String want) throws Exception {
        Instant deadline = Instant.now().plus(BOUND);
        String seen = status(name);
        while (!seen.equals(want) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            seen = status(name);
        }
        assertThat(seen).as("health status of " + name).isEqualTo(want);
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(docker.run("inspect", name).ok().out()).get(0);
    }
}
