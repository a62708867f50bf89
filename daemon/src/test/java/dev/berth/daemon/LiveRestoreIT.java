package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's live restore, always on: berthd is SIGKILLed while containers run. The one still
 * running is found again by the next berthd, its output written meanwhile waited in its fifo
 * and reaches the log, and its exit is recorded; the one that ended meanwhile gets the exit code
 * its monitor wrote.
 */
@RequiresDockerCli
@RequiresRoot
class LiveRestoreIT {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            try {
                berth.removeContainers();
            } finally {
                berth.close();
            }
        }
    }

    @Test
    void containersOutliveAKilledDaemonAndAreFollowedAgain() throws Exception {
        Path control = Files.createDirectories(dir.resolve("control"));
        docker.run("run", "-d", "--network", "none", "--name", "counter", "-v", control + ":/ctl", "busybox", "sh", "-c",
                "i=0; until [ -e /ctl/stop ]; do i=$((i+1)); echo line $i; sleep 0.2; done; exit 4").ok();
        docker.run("run", "-d", "--network", "none", "--name", "brief", "busybox", "sh", "-c", "sleep 1; exit 7").ok();
        int counterPid = inspect("counter").at("/State/Pid").asInt();

        berth.kill();
        Thread.sleep(1500); // brief ends and counter writes while nobody reads
        assertThat(Path.of("/proc/" + counterPid)).as("the container outlived berthd").exists();
        berth = berth.restart(dir);
        daemon = berth.daemon;

        JsonNode brief = inspect("brief").get("State");
        assertThat(brief.get("Status").asText()).isEqualTo("exited");
        assertThat(brief.get("ExitCode").asInt()).isEqualTo(7);

        assertThat(inspect("counter").at("/State/Status").asText()).as(daemon.log()).isEqualTo("running");
        Files.writeString(control.resolve("stop"), "");
        assertThat(docker.run("wait", "counter").ok().out().trim()).isEqualTo("4");
        assertThat(inspect("counter").at("/State/ExitCode").asInt()).isEqualTo(4);
        // every line, those written while no berthd read them included, in order and once
        java.util.List<String> lines = docker.run("logs", "counter").ok().out().lines().toList();
        assertThat(lines.size()).as("lines from before, during and after the restart").isGreaterThan(10);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo("line " + (i + 1));
        }
        berth.removeContainers();
        berth.assertNoRuntimeStateLeft();
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(docker.run("inspect", "--type", "container", name).ok().out()).get(0);
    }
}
