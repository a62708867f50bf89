package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real docker CLI managing images through a real berthd: import, list, inspect, history,
 * tag, rmi, save/load, prune, system df and the image events. The image comes from a root
 * filesystem tarball made here from the host's static busybox; nothing is pulled.
 */
@RequiresDockerCli
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageCliIT {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    static Path dir;

    private static BerthdProcess daemon;
    private static DockerCli docker;
    private static Path rootfsTar;
    private static long startedAt;

    @BeforeAll
    static void start() throws Exception {
        startedAt = Instant.now().getEpochSecond() - 1;
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
        rootfsTar = busyboxRootfs(dir.resolve("rootfs"), dir.resolve("busybox-rootfs.tar"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** {@code /bin/busybox} and an {@code sh} link to it, as a plain tar made by tar(1). */
    static Path busyboxRootfs(Path root, Path tar) throws IOException, InterruptedException {
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(root.resolve("etc/hostname"), "berth\n");
        Process p = new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("tar: " + out).isZero();
        return tar;
    }

    private static String importAs(String name) throws Exception {
        DockerCli.Result r = name == null ? docker.run("import", rootfsTar.toString()).ok()
                : docker.run("import", rootfsTar.toString(), name).ok();
        String id = r.out().trim();
        assertThat(id).matches("sha256:[0-9a-f]{64}");
        return id;
    }

    private static String images() throws Exception {
        return docker.run("images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").ok().out();
    }

    @Test
    @Order(1)
    void importListInspectHistory() throws Exception {
        String id = importAs("busybox:latest");
        DockerCli.Result table = docker.run("images").ok();
        System.out.println("--- docker images ---\n" + table.out() + table.err());
        assertThat(table.out()).containsPattern("busybox\\s+latest\\s+" + id.substring(7, 19));
        assertThat(images()).contains("busybox:latest " + id);

        DockerCli.Result inspect = docker.run("image", "inspect", "busybox", "--format",
                "{{.Id}} {{.Architecture}} {{.Os}} {{.RootFS.Type}} {{len .RootFS.Layers}} {{.Comment}}").ok();
        System.out.println("--- docker image inspect ---\n" + inspect.out());
        assertThat(inspect.out().trim()).isEqualTo(id + " amd64 linux layers 1 Imported from -");
        DockerCli.Result layers = docker.run("image", "inspect", "busybox", "--format",
                "{{index .RootFS.Layers 0}} {{.Size}} {{index .RepoTags 0}} {{.GraphDriver.Name}}").ok();
        assertThat(layers.out().trim()).matches("sha256:[0-9a-f]{64} \\d+ busybox:latest overlay2");

        // The layer is unpacked once, into a committed snapshot that containers will stack on.
        try (var files = Files.walk(daemon.dataRoot.resolve("image/snapshots"), 5)) {
            List<Path> unpacked = files.filter(f -> f.endsWith(Path.of("fs/bin/busybox"))).toList();
            assertThat(unpacked).hasSize(1);
            assertThat(Files.size(unpacked.getFirst())).isEqualTo(Files.size(BUSYBOX));
            assertThat(Files.readSymbolicLink(unpacked.getFirst().resolveSibling("sh"))).isEqualTo(Path.of("busybox"));
        }

        DockerCli.Result history = docker.run("history", "busybox").ok();
        System.out.println("--- docker history ---\n" + history.out());
        assertThat(history.out()).contains("IMAGE").contains(id.substring(7, 19)).contains("Imported from -");
    }

    @Test
    @Order(2)
    void tagThenRmiUntagsThenDeletes() throws Exception {
        String id = importAs("app:v1");
        DockerCli.Result tag = docker.run("tag", "app:v1", "app:v2").ok();
        assertThat(tag.err()).isEmpty();
        assertThat(images()).contains("app:v1 " + id).contains("app:v2 " + id);
        DockerCli.Result filtered = docker.run("images", "--filter", "reference=app:v*", "--format",
                "{{.Repository}}:{{.Tag}}").ok();
        assertThat(filtered.out().lines().sorted().toList()).containsExactly("app:v1", "app:v2");

        DockerCli.Result untag = docker.run("rmi", "app:v2").ok();
        System.out.println("--- docker rmi app:v2 ---\n" + untag.out());
        assertThat(untag.out().trim()).isEqualTo("Untagged: app:v2");
        assertThat(images()).contains("app:v1 " + id).doesNotContain("app:v2");

        DockerCli.Result delete = docker.run("rmi", "app:v1").ok();
        System.out.println("--- docker rmi app:v1 ---\n" + delete.out());
        assertThat(delete.out()).contains("Untagged: app:v1").contains("Deleted: " + id);
        assertThat(images()).doesNotContain("app:").doesNotContain(id);
    }

    @Test
    @Order(3)
    void rmiOfAMissingImageFailsAsDocker() throws Exception {
        DockerCli.Result r = docker.run("rmi", "nope");
        System.out.println("--- docker rmi nope ---\n" + r.out() + r.err());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Error response from daemon: No such image: nope:latest");
    }

    @Test
    @Order(4)
    void saveRmiLoadRestoresTheSameId() throws Exception {
        String id = importAs("saved:1");
        Path archive = dir.resolve("saved.tar");
        docker.run("save", "-o", archive.toString(), "saved:1").ok();
        assertThat(Files.size(archive)).isGreaterThan(Files.size(BUSYBOX) / 2);
        docker.run("rmi", "saved:1").ok();
        assertThat(images()).doesNotContain(id);

        DockerCli.Result load = docker.run("load", "-i", archive.toString()).ok();
        System.out.println("--- docker load ---\n" + load.out() + load.err());
        assertThat(load.out()).contains("Loaded image: saved:1");
        assertThat(images()).contains("saved:1 " + id);
    }

    @Test
    @Order(5)
    void pruneRemovesADanglingImage() throws Exception {
        String id = importAs(null);
        assertThat(docker.run("images", "-q", "--no-trunc", "--filter", "dangling=true").ok().out()).contains(id);
        DockerCli.Result prune = docker.run("image", "prune", "-f").ok();
        System.out.println("--- docker image prune -f ---\n" + prune.out());
        assertThat(prune.out()).contains("deleted: " + id).contains("Total reclaimed space");
        assertThat(docker.run("images", "-q", "--no-trunc", "--filter", "dangling=true").ok().out()).isBlank();
        assertThat(images()).contains("busybox:latest");
    }

    @Test
    @Order(6)
    void systemDfCountsImages() throws Exception {
        DockerCli.Result df = docker.run("system", "df").ok();
        System.out.println("--- docker system df ---\n" + df.out());
        long count = docker.run("images", "-q").ok().out().lines().count();
        assertThat(df.out()).containsPattern("Images\\s+" + count + "\\s+0\\s+");
    }

    @Test
    @Order(7)
    void pullFromAnUnreachableRegistryFails() throws Exception {
        // Port 1 on loopback: refused at once, and nothing leaves the host (RegistryCliIT pulls for real).
        DockerCli.Result r = docker.run("pull", "127.0.0.1:1/busybox:1.36");
        System.out.println("--- docker pull 127.0.0.1:1/busybox:1.36 ---\n" + r.out() + r.err());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Error response from daemon");
    }

    @Test
    @Order(8)
    void systemEventsShowTheImageEvents() throws Exception {
        long until = Instant.now().getEpochSecond() + 1;
        DockerCli.Result r = docker.run("system", "events", "--since", Long.toString(startedAt), "--until",
                Long.toString(until), "--filter", "type=image", "--format", "{{.Action}} {{.Actor.Attributes.name}}")
                .ok();
        System.out.println("--- docker system events --filter type=image ---\n" + r.out());
        List<String> actions = r.out().lines().map(l -> l.split(" ")[0]).toList();
        assertThat(actions).contains("import", "tag", "untag", "delete", "load", "save");
        assertThat(r.out()).contains("tag app:v2").contains("untag app:v2").contains("load saved:1");
    }
}
