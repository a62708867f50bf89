package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.daemon.testing.TestArchive;
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
        // One layer: its unpacked size is the image's, not the compressed blob's.
        String layerSize = docker.run("history", "--human=false", "--format", "{{.Size}}", "busybox").ok().out().trim();
        String imageSize = docker.run("image", "inspect", "--format", "{{.Size}}", "busybox").ok().out().trim();
        assertThat(layerSize).isEqualTo(imageSize);
        assertThat(Long.parseLong(layerSize)).isGreaterThanOrEqualTo(Files.size(BUSYBOX));
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

    @Test
    @Order(9)
    void sizeIsThatOfTheUnpackedLayersAsDockerReportsIt() throws Exception {
        // 1 MiB of zeros and 5 bytes: the tar (the stored blob) is larger, by headers and padding
        byte[] layer = new TestArchive().file("zeros", new byte[1 << 20]).file("hello", "hello").bytes();
        Path tar = dir.resolve("sized.tar");
        Files.write(tar, layer);
        String id = docker.run("import", tar.toString(), "sized:1").ok().out().strip();

        long expected = (1 << 20) + 5;
        assertThat(docker.run("image", "inspect", "sized:1", "--format", "{{.Size}}").ok().out().strip())
                .isEqualTo(Long.toString(expected));
        assertThat(docker.run("images", "sized:1", "--format", "{{.Size}}").ok().out().strip()).isEqualTo("1.05MB");
        var df = RawHttp.call(daemon.socket, "GET", "/v1.50/system/df").json();
        for (var image : df.get("Images")) {
            if (image.get("Id").asText().equals(id)) {
                assertThat(image.get("Size").asLong()).isEqualTo(expected);
            }
        }
        assertThat(df.get("LayersSize").asLong()).isGreaterThanOrEqualTo(expected);
        docker.run("rmi", "sized:1").ok();
    }

    @Test
    @Order(10)
    void rmiAndPruneCollectTheSnapshotsNoImageUsesAndKeepSharedOnes() throws Exception {
        byte[] base = new TestArchive().file("base", "base\n").bytes();
        byte[] top = new TestArchive().file("top", "top\n").bytes();
        Path one = dir.resolve("one.tar");
        Path two = dir.resolve("two.tar");
        TestArchive.dockerSave(one, "layers:one", List.of(base), 0);
        TestArchive.dockerSave(two, "layers:two", List.of(base, top), 0);
        String baseChain = "sha256:" + TestArchive.sha256(base);
        String topChain = "sha256:" + TestArchive.sha256(
                (baseChain + " sha256:" + TestArchive.sha256(top)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        docker.run("load", "-i", one.toString()).ok();
        docker.run("load", "-i", two.toString()).ok();
        assertThat(snapshots()).contains(baseChain, topChain);
        docker.run("rmi", "layers:two").ok();
        assertThat(snapshots()).contains(baseChain).doesNotContain(topChain); // the base is still layers:one's
        docker.run("rmi", "layers:one").ok();
        assertThat(snapshots()).doesNotContain(baseChain, topChain);

        docker.run("load", "-i", one.toString()).ok();
        docker.run("load", "-i", two.toString()).ok();
        // Last test: prune -a takes every image (no container uses one), and with them every snapshot.
        docker.run("image", "prune", "-a", "-f").ok();
        assertThat(docker.run("images", "-a", "-q").ok().out()).isBlank();
        assertThat(snapshots()).isEmpty();
        try (var list = Files.list(daemon.dataRoot.resolve("image/snapshots"))) {
            assertThat(list.filter(Files::isDirectory).toList()).isEmpty();
        }
    }

    /** The snapshot names in the catalog. */
    private static List<String> snapshots() throws IOException {
        List<String> names = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(daemon.dataRoot.resolve("image/snapshots/metadata.json").toFile())
                .path("snapshots").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
