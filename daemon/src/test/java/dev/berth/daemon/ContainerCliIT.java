package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DataRoot;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.MountInfo;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real docker CLI creating, listing, inspecting, renaming and removing containers on a real
 * berthd (containers are not started here: that comes with the lifecycle). The image is the
 * host's static busybox, imported as a root filesystem tarball.
 */
@RequiresDockerCli
@RequiresRoot
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static BerthdProcess daemon;
    private static DockerCli docker;
    private static String imageId;

    @BeforeAll
    static void start() throws Exception {
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
        Path tar = ImageCliIT.busyboxRootfs(dir.resolve("rootfs"), dir.resolve("busybox-rootfs.tar"));
        imageId = docker.run("import", tar.toString(), "busybox:latest").ok().out().trim();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    @Order(1)
    void createdContainersAreListedAndInspectedAsDockerShowsThem() throws Exception {
        String id = docker.run("create", "--network", "none", "--name", "web", "-l", "tier=front", "busybox",
                "echo", "hi").ok().out().trim();
        assertThat(id).matches("[0-9a-f]{64}");

        assertThat(docker.run("ps", "-q").ok().out()).isBlank(); // not running
        assertThat(docker.run("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.Status}} {{.Command}}")
                .ok().out().trim()).isEqualTo(id + " web busybox Created \"echo hi\"");
        assertThat(docker.run("ps", "-aq", "--filter", "name=we").ok().out().trim()).isEqualTo(id.substring(0, 12));
        assertThat(docker.run("ps", "-aq", "--filter", "label=tier=front").ok().out().trim()).isEqualTo(id.substring(0, 12));
        assertThat(docker.run("ps", "-aq", "--filter", "label=tier=back").ok().out()).isBlank();
        assertThat(docker.run("ps", "-aq", "--filter", "status=created").ok().out().trim()).isEqualTo(id.substring(0, 12));
        assertThat(docker.run("ps", "-aq", "--filter", "status=running").ok().out()).isBlank();
        assertThat(docker.run("ps", "-aq", "--filter", "ancestor=busybox").ok().out().trim()).isEqualTo(id.substring(0, 12));

        JsonNode c = inspect("web");
        assertThat(c.get("Id").asText()).isEqualTo(id);
        assertThat(c.get("Name").asText()).isEqualTo("/web");
        assertThat(c.get("Image").asText()).isEqualTo(imageId);
        assertThat(c.get("Path").asText()).isEqualTo("echo");
        assertThat(c.get("Args").toString()).isEqualTo("[\"hi\"]");
        assertThat(c.at("/State/Status").asText()).isEqualTo("created");
        assertThat(c.at("/State/Running").asBoolean()).isFalse();
        assertThat(c.at("/State/StartedAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(c.at("/Config/Cmd").toString()).isEqualTo("[\"echo\",\"hi\"]");
        assertThat(c.at("/Config/Labels/tier").asText()).isEqualTo("front");
        assertThat(c.at("/HostConfig/NetworkMode").asText()).isEqualTo("none");
        assertThat(c.at("/GraphDriver/Name").asText()).isEqualTo("overlay2");
        Path upper = Path.of(c.at("/GraphDriver/Data/UpperDir").asText());
        assertThat(upper).isDirectory();
        assertThat(c.at("/GraphDriver/Data/LowerDir").asText()).isNotEmpty();
        // a unique prefix of the id names it too, and the root filesystem is not left mounted
        assertThat(inspect(id.substring(0, 7)).get("Id").asText()).isEqualTo(id);
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        assertThat(Path.of(c.get("HostnamePath").asText())).hasContent(id.substring(0, 12));
    }

    @Test
    @Order(2)
    void badCreatesSayWhyAndLeaveNothing() throws Exception {
        int snapshots = DataRoot.snapshots(daemon.dataRoot).size();
        List<Path> before = containerDirs();

        assertOneError(docker.run("create", "--network", "none", "--name", "web", "busybox", "true"),
                "Conflict. The container name \"/web\" is already in use by container");
        assertOneError(docker.run("create", "--network", "none", "--name", "bad name", "busybox", "true"),
                "Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        assertOneError(docker.run("create", "--pull", "never", "--network", "none", "nosuch:1", "true"),
                "No such image: nosuch:1");
        // refused by the spec, which create generates once against the mounted image
        assertOneError(docker.run("create", "--network", "none", "-u", "nosuchuser", "busybox", "true"),
                "nosuchuser");
        assertOneError(docker.run("create", "--network", "none", "--memory", "1k", "busybox", "true"),
                "Minimum memory limit allowed is 6MB");

        assertThat(DataRoot.snapshots(daemon.dataRoot).size()).isEqualTo(snapshots);
        assertThat(containerDirs()).isEqualTo(before);
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        assertThat(docker.run("ps", "-a", "--format", "{{.Names}}").ok().out().trim()).isEqualTo("web");
    }

    @Test
    @Order(3)
    void containersSurviveADaemonRestartAndAreRenamed() throws Exception {
        String generated = docker.run("create", "--network", "host", "busybox", "true").ok().out().trim();
        String name = inspect(generated).get("Name").asText();
        assertThat(name).matches("/[a-z]+_[a-z]+");

        daemon.close();
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, dir.resolve("docker-config"));

        assertThat(docker.run("ps", "-a", "--format", "{{.Names}}").ok().out().lines().sorted().toList())
                .containsExactlyInAnyOrder("web", name.substring(1));
        docker.run("rename", "web", "web2").ok();
        assertOneError(docker.run("rename", "web2", name.substring(1)), "is already in use by container");
        assertThat(docker.run("ps", "-a", "--format", "{{.Names}}").ok().out().lines().toList())
                .containsExactlyInAnyOrder("web2", name.substring(1));
        assertThat(docker.run("events", "--since", "0", "--until", until(), "--filter", "type=container",
                "--format", "{{.Action}} {{.Actor.Attributes.name}}").ok().out()).contains("rename web2");
    }

    @Test
    @Order(4)
    void anImageInUseStaysAndRemovedContainersLeaveNothing() throws Exception {
        DockerCli.Result rmi = docker.run("rmi", "busybox");
        assertThat(rmi.exit()).isEqualTo(1);
        assertThat(rmi.err()).contains("is using its referenced image");

        for (String name : docker.run("ps", "-aq", "--no-trunc").ok().out().lines().toList()) {
            String upper = inspect(name).at("/GraphDriver/Data/UpperDir").asText();
            docker.run("rm", name).ok();
            assertThat(Path.of(upper)).doesNotExist();
            assertThat(daemon.dataRoot.resolve("containers").resolve(name)).doesNotExist();
        }
        assertThat(docker.run("ps", "-aq").ok().out()).isBlank();
        assertOneError(docker.run("rm", "web2"), "No such container: web2");
        assertThat(docker.run("events", "--since", "0", "--until", until(), "--filter", "type=container",
                "--filter", "event=destroy", "--format", "{{.Actor.Attributes.name}}").ok().out()).contains("web2");
        docker.run("rmi", "busybox").ok(); // free now
        assertThat(containerDirs()).isEmpty();
    }

    /** A second from now: the events up to now, then the command ends. */
    private static String until() {
        return Long.toString(java.time.Instant.now().getEpochSecond() + 1);
    }

    private static JsonNode inspect(String name) throws Exception {
        JsonNode all = JSON.readTree(docker.run("inspect", "--type", "container", name).ok().out());
        assertThat(all.size()).isEqualTo(1);
        return all.get(0);
    }

    private static List<Path> containerDirs() throws Exception {
        try (var dirs = Files.list(daemon.dataRoot.resolve("containers"))) {
            return dirs.sorted().toList();
        }
    }

    private static void assertOneError(DockerCli.Result r, String message) {
        assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
        assertThat(r.err()).as(r.err()).contains("Error response from daemon").contains(message)
                .doesNotContain("Exception").doesNotContain("\tat ");
    }
}
