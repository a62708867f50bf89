package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real docker CLI (version 28 here) against a real berthd. */
@RequiresDockerCli
class DockerCliIT {
    @TempDir
    static Path dir;

    private static BerthdProcess daemon;
    private static DockerCli docker;
    private static String version;

    @BeforeAll
    static void start() throws Exception {
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
        version = RawHttp.call(daemon.socket, "GET", "/version").json().get("Version").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void dockerVersionShowsTheServer() throws Exception {
        DockerCli.Result r = docker.run("version").ok();
        System.out.println("--- docker version ---\n" + r.out() + r.err());
        assertThat(r.out()).contains("Server: Berth").contains("Engine:")
                .containsPattern("Version:\\s+" + java.util.regex.Pattern.quote(version))
                .containsPattern("API version:\\s+1\\.56 \\(minimum version 1\\.24\\)")
                .containsPattern("OS/Arch:\\s+linux/amd64");
        assertThat(r.err()).isEmpty();
        // the client negotiated down to its own maximum
        DockerCli.Result f = docker.run("version", "--format", "{{.Client.APIVersion}} {{.Server.Version}} {{.Server.APIVersion}}").ok();
        assertThat(f.out().trim()).isEqualTo("1.50 " + version + " 1.56");
    }

    @Test
    void olderApiVersionsWork() throws Exception {
        DockerCli.Result r = docker.run(Map.of("DOCKER_API_VERSION", "1.24"), "version", "--format",
                "{{.Client.APIVersion}} {{.Server.Version}}").ok();
        assertThat(r.out().trim()).isEqualTo("1.24 " + version);
    }

    @Test
    void dockerInfo() throws Exception {
        DockerCli.Result r = docker.run("info").ok();
        System.out.println("--- docker info ---\n" + r.out() + r.err());
        assertThat(r.out()).containsPattern("Server Version:\\s+" + java.util.regex.Pattern.quote(version))
                .contains("Docker Root Dir: " + daemon.dataRoot)
                .contains("Storage Driver: overlay2")
                .contains("Cgroup Driver: cgroupfs")
                .contains("Swarm: inactive")
                .contains("Default Runtime: berth");
        assertThat(r.err()).doesNotContainIgnoringCase("error");
        DockerCli.Result json = docker.run("info", "--format", "{{json .}}").ok();
        JsonNode info = new ObjectMapper().readTree(json.out());
        assertThat(info.get("ServerErrors")).as("no server errors").isNull();
    }

    @Test
    void dockerSystemDf() throws Exception {
        DockerCli.Result r = docker.run("system", "df").ok();
        System.out.println("--- docker system df ---\n" + r.out() + r.err());
        assertThat(r.out()).contains("Images").contains("Containers").contains("Local Volumes").contains("Build Cache");
    }

    @Test
    void systemEventsSinceUntilWithNoEvents() throws Exception {
        long now = Instant.now().getEpochSecond();
        DockerCli.Result r = docker.run("system", "events", "--since", Long.toString(now - 60), "--until",
                Long.toString(now)).ok();
        assertThat(r.out()).isEmpty();
    }

    /** Events need a publisher: here the daemon runs in this JVM and the test publishes on its bus. */
    @Test
    void systemEventsShowsPublishedEvents() throws Exception {
        Path d = dir.resolve("inproc");
        try (Daemon inproc = Daemon.start(DaemonConfig.of(d.resolve("s.sock"), d.resolve("data"), d.resolve("exec")))) {
            DockerCli cli = new DockerCli("unix://" + d.resolve("s.sock"), dir.resolve("docker-config"));
            Instant before = Instant.now();
            inproc.events().publish(EventType.IMAGE, "pull", "busybox:latest", Map.of("name", "busybox:latest"));
            inproc.events().publish(EventType.IMAGE, "tag", "sha256:1111", Map.of("name", "localhost:5000/app:v1"));
            inproc.events().publish(EventType.CONTAINER, "start", "c0ffee", Map.of("name", "web", "image", "busybox"));
            Thread.sleep(20);
            Instant after = Instant.now();
            String since = before.getEpochSecond() - 1 + "";
            String until = after.getEpochSecond() + "." + String.format("%09d", after.getNano());

            DockerCli.Result all = cli.run("system", "events", "--since", since, "--until", until, "--format", "{{json .}}").ok();
            List<JsonNode> events = all.out().lines().map(DockerCliIT::json).toList();
            assertThat(events).extracting(e -> e.get("Action").asText()).containsExactly("pull", "tag", "start");
            assertThat(events.get(0).get("Type").asText()).isEqualTo("image");
            assertThat(events.get(0).get("scope").asText()).isEqualTo("local");

            DockerCli.Result images = cli.run("events", "--since", since, "--until", until, "--filter", "type=image",
                    "--filter", "event=tag").ok();
            System.out.println("--- docker events --filter type=image --filter event=tag ---\n" + images.out());
            assertThat(images.out().lines()).hasSize(1);
            assertThat(images.out()).contains("image tag sha256:1111 (name=localhost:5000/app:v1)");
        }
    }

    private static JsonNode json(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
