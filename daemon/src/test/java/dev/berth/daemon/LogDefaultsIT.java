package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * berthd's {@code --log-opt}s as containers get them, through the real docker CLI: a container
 * that names no driver gets the daemon's options, one that names the same driver gets those it
 * did not set itself, one with another driver none, as dockerd's mergeAndVerifyLogConfig; and
 * the merged options act (max-size rotates the json-file log, compress gzips the rotated files).
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

    @Test
    void compressedRotatedLogsAreGzippedAndDockerLogsReadsAcrossThem() throws Exception {
        // about ten entries per 1k file: 30 lines rotate three times, and max-file 6 keeps them all
        berth.docker.run("run", "-d", "--network", "none", "--name", "zipped", "--log-opt", "compress=true",
                "--log-opt", "max-file=6", "busybox", "sh", "-c", "i=0; while [ $i -lt 30 ]; do"
                        + " echo line $i of a compressed log; sleep 0.02; i=$((i+1)); done; while [ ! -f /go ]; do sleep 0.1; done;"
                        + " echo the end").ok();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            expected.append("line ").append(i).append(" of a compressed log\n");
        }
        String logs = "";
        for (int i = 0; i < 100 && !logs.contains("line 29 "); i++) {
            Thread.sleep(100);
            logs = berth.docker.run("logs", "zipped").ok().out();
        }
        assertThat(logs).isEqualTo(expected.toString());

        // --tail and --since reach into the gzipped files
        assertThat(berth.docker.run("logs", "--tail", "25", "zipped").ok().out())
                .isEqualTo(expected.substring(expected.indexOf("line 5 ")));
        // (lines read from the fifo together share a time: the pause between them makes that unlikely, and
        // what is expected is taken from the times as logged)
        List<String> stamped = berth.docker.run("logs", "-t", "zipped").ok().out().lines().toList();
        String since = stamped.get(3).substring(0, stamped.get(3).indexOf(' '));
        String fromThird = stamped.stream().filter(l -> !Instant.parse(l.substring(0, l.indexOf(' ')))
                .isBefore(Instant.parse(since))).map(l -> l.substring(l.indexOf(' ') + 1) + "\n")
                .collect(Collectors.joining());
        assertThat(fromThird).contains("line 3 of").endsWith("line 29 of a compressed log\n");
        assertThat(berth.docker.run("logs", "--since", since, "zipped").ok().out()).isEqualTo(fromThird);

        // a follower gets the rotated files, then what comes
        CompletableFuture<String> followed = CompletableFuture.supplyAsync(() -> {
            try {
                return berth.docker.run("logs", "-f", "zipped").ok().out();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        berth.docker.run("exec", "zipped", "touch", "/go").ok();
        assertThat(berth.docker.run("wait", "zipped").ok().out().trim()).isEqualTo("0");
        assertThat(followed.get(60, TimeUnit.SECONDS)).isEqualTo(expected + "the end\n");

        // the container ended and its log was closed, which waits for the last gzip
        String id = JSON.readTree(berth.docker.run("inspect", "zipped").ok().out()).get(0).get("Id").asText();
        Path containerDir = berth.daemon.dataRoot.resolve("containers").resolve(id);
        assertThat(containerDir.resolve(id + "-json.log.1.gz")).exists();
        assertThat(containerDir.resolve(id + "-json.log.2.gz")).exists();
        assertThat(containerDir.resolve(id + "-json.log.1")).doesNotExist();
        assertThat(containerDir.resolve(id + "-json.log.2")).doesNotExist();
        try (var in = new GZIPInputStream(Files.newInputStream(containerDir.resolve(id + "-json.log.2.gz")))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("{\"log\":\"line ");
        }
        assertThat(Files.readString(containerDir.resolve(id + "-json.log"))).contains("the end");
    }
}
