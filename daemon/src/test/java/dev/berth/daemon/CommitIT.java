package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker commit} through the real docker CLI on a real berthd: the committed image runs
 * and sees the container's changes (deletions too), {@code --change} sets its defaults, a running
 * container is committed without being stopped, and the commit is told in the events.
 */
@RequiresDockerCli
@RequiresRoot
class CommitIT {
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

    @AfterEach
    void removeContainersAndImages() throws Exception {
        berth.removeContainers();
        for (String ref : docker.run("images", "--format", "{{.Repository}}:{{.Tag}}").ok().out().lines().toList()) {
            if (ref.startsWith("berth/")) {
                docker.run("rmi", ref).ok();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void theCommittedImageRunsWithTheContainersChanges() throws Exception {
        String since = Instant.now().minusSeconds(1).toString();
        docker.run("run", "--network", "none", "--name", "base", "busybox", "sh", "-c",
                "echo committed > /greeting && rm /etc/group").ok();
        String id = docker.run("commit", "-m", "a greeting", "-a", "berth tests", "base", "berth/committed:v1")
                .ok().out().trim();
        assertThat(id).matches("sha256:[0-9a-f]{64}");

        DockerCli.Result r = docker.run("run", "--rm", "--network", "none", "berth/committed:v1", "sh", "-c",
                "cat /greeting; test -e /etc/group || echo no group");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("committed\nno group\n");

        JsonNode image = JSON.readTree(docker.run("image", "inspect", "berth/committed:v1").ok().out()).get(0);
        assertThat(image.get("Id").asText()).isEqualTo(id);
        assertThat(image.get("Comment").asText()).isEqualTo("a greeting");
        assertThat(image.get("Author").asText()).isEqualTo("berth tests");
        assertThat(image.at("/RootFS/Layers").size()).isEqualTo(2); // busybox's and the container's
        assertThat(image.at("/Config/Cmd").toString()).isEqualTo("[\"sh\",\"-c\",\"echo committed > /greeting && rm /etc/group\"]");

        String events = docker.run("events", "--since", since, "--until", Instant.now().plusSeconds(1).toString(),
                "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}").ok().out();
        assertThat(events).contains("container commit base\n", "image tag berth/committed:v1\n");
    }

    @Test
    void changesSetTheImagesDefaults() throws Exception {
        docker.run("create", "--network", "none", "--name", "tochange", "-e", "KEPT=yes", "busybox", "true").ok();
        docker.run("commit", "--change", "ENV X=1", "--change", "CMD [\"sh\", \"-c\", \"echo $X $KEPT\"]",
                "--change", "WORKDIR /etc", "tochange", "berth/changed").ok();

        DockerCli.Result r = docker.run("run", "--rm", "--network", "none", "berth/changed");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("1 yes\n");
        JsonNode config = JSON.readTree(docker.run("image", "inspect", "berth/changed").ok().out()).get(0).get("Config");
        assertThat(config.get("WorkingDir").asText()).isEqualTo("/etc");
        // nothing changed in the container: no layer is added, as Docker adds none for an empty diff
        JsonNode image = JSON.readTree(docker.run("image", "inspect", "berth/changed").ok().out()).get(0);
        assertThat(image.at("/RootFS/Layers").size()).isEqualTo(1);
    }

    @Test
    void aRunningContainerIsCommittedAndKeepsRunning() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "live", "busybox", "sh", "-c",
                "echo live > /live.txt; exec sleep 1000").ok();
        boolean written = false;
        for (int i = 0; i < 100 && !written; i++) {
            written = docker.run("cp", "live:/live.txt", "-").exit() == 0;
            if (!written) {
                Thread.sleep(100);
            }
        }
        assertThat(written).isTrue();
        docker.run("commit", "live", "berth/live").ok();
        assertThat(docker.run("inspect", "-f", "{{.State.Status}}", "live").ok().out().trim()).isEqualTo("running");

        DockerCli.Result r = docker.run("run", "--rm", "--network", "none", "berth/live", "cat", "/live.txt");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("live\n");

        // a paused container is committed as it is, and stays paused
        docker.run("pause", "live").ok();
        docker.run("commit", "live", "berth/paused").ok();
        assertThat(docker.run("inspect", "-f", "{{.State.Status}}", "live").ok().out().trim()).isEqualTo("paused");
    }

    @Test
    void badCommitsSayWhyAndMakeNoImage() throws Exception {
        docker.run("create", "--network", "none", "--name", "bad", "busybox", "true").ok();
        int images = docker.run("images", "-aq").ok().out().lines().toList().size();

        DockerCli.Result r = docker.run("commit", "nosuch", "berth/x");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("No such container: nosuch");
        r = docker.run("commit", "--change", "BOGUS x", "bad", "berth/x");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("bogus is not a valid change command");
        r = docker.run("commit", "bad", "Not A Name");
        assertThat(r.exit()).isNotZero();

        assertThat(docker.run("images", "-aq").ok().out().lines().toList()).hasSize(images);
    }
}
