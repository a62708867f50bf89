package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * berthd's {@code --log-opt}s as containers get them, through the real docker CLI: a container
 * that names no driver gets the daemon's options, one that names the same driver gets those it
 * did not set itself, one with another driver none, as dockerd's mergeAndVerifyLogConfig; and
 * the merged options act (max-size rotates the json-file log).
 */
@RequiresDockerCli
@RequiresRoot
class LogDefaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static ContainerDaemon berth;

    @BeforeAll
    static void start() throws Exception {
        berth = ContainerDaemon.start(dir, "--log-opt", "max-size=1k", "--log-opt", "max-file=2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.removeContainers();
            berth.close();
        }
    }

    private static JsonNode logConfig(String name) throws Exception {
        return JSON.readTree(berth.docker.run("inspect", name).ok().out()).get(0).at("/HostConfig/LogConfig");
    }

    @Test
    void containersGetTheDaemonsLogOptionsUnlessTheyChooseOtherwise() throws Exception {
        berth.docker.run("run", "--network", "none", "--name", "plain", "busybox", "sh", "-c",
                "i=0; while [ $i -lt 200 ]; do echo line $i of a log long enough to rotate; i=$((i+1)); done").ok();
        JsonNode plain = logConfig("plain");
        assertThat(plain.get("Type").asText()).isEqualTo("json-file");
        assertThat(plain.at("/Config/max-size").asText()).isEqualTo("1k");
        assertThat(plain.at("/Config/max-file").asText()).isEqualTo("2");
        String logs = berth.docker.run("logs", "plain").ok().out();
        assertThat(logs).contains("line 199 of a log").doesNotContain("line 0 of a log"); // rotated away

        berth.docker.run("create", "--network", "none", "--name", "own", "--log-opt", "max-size=2k", "busybox", "true").ok();
        assertThat(logConfig("own").at("/Config/max-size").asText()).isEqualTo("2k");
        assertThat(logConfig("own").at("/Config/max-file").asText()).isEqualTo("2");

        berth.docker.run("create", "--network", "none", "--name", "quiet", "--log-driver", "none", "busybox", "true").ok();
        assertThat(logConfig("quiet").get("Type").asText()).isEqualTo("none");
        assertThat(logConfig("quiet").get("Config").size()).isZero();
    }
}
