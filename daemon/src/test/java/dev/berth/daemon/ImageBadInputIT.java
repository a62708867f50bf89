package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.daemon.testing.TestArchive;
import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real docker CLI against a berthd whose data root is a 20 MiB tmpfs that
 * the test mounts itself: a full disk, a read-only data root, an archive with a missing layer,
 * tars with path traversal, malformed references. Each gives one error line naming the object,
 * the right status, and leaves the store exactly as it was (no blob, ingest, snapshot or image
 * of the failed operation), with the daemon still serving.
 */
@RequiresDockerCli
@RequiresRoot
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageBadInputIT {
    private static final int MIB = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path data;
    private static boolean mounted;
    private static BerthdProcess daemon;
    private static DockerCli docker;
    /** Where no layer may ever write: hostile entries aim here. */
    private static Path outside;

    @BeforeAll
    static void start() throws Exception {
        Path d = dir.resolve("d");
        data = Files.createDirectories(d.resolve("data"));
        run("mount", "-t", "tmpfs", "-o", "size=20m,mode=0700", "berth-imgbad", data.toString());
        mounted = true;
        daemon = BerthdProcess.start(d);
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
        outside = Files.createDirectories(dir.resolve("outside"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (mounted) {
                run("umount", data.toString());
            }
        }
    }

    // ---- a full disk

    @Test
    @Order(1)
    void loadOfAnArchiveBiggerThanTheDiskSaysNoSpaceLeftAndLeavesNothing() throws Exception {
        byte[] layer = new TestArchive().file("blob", TestArchive.random(24 * MIB, 1)).bytes();
        Path archive = dir.resolve("big.tar");
        TestArchive.dockerSave(archive, "big:1", List.of(layer), 0);
        Store before = Store.now();

        DockerCli.Result r = docker.run("load", "-i", archive.toString());
        Files.delete(archive);
        assertOneError(r, "load: store archive entry \"blobs/sha256/" + TestArchive.sha256(layer)
                + "\": no space left on device");
        assertUnchangedSince(before);

        // The failed load freed what it took: a small one fits.
        Path small = dir.resolve("small.tar");
        TestArchive.dockerSave(small, "small:1", List.of(new TestArchive().file("hello", "hi\n").bytes()), 0);
        assertThat(docker.run("load", "-i", small.toString()).ok().out()).contains("Loaded image: small:1");
        docker.run("rmi", "small:1").ok();
        assertUnchangedSince(before);
    }

    @Test
    @Order(2)
    void loadThatFitsStoredButNotUnpackedSaysNoSpaceLeftAndLeavesNothing() throws Exception {
        // 12 MiB stored plus 12 MiB unpacked do not fit in 20: the unpack fills the disk.
        byte[] layer = new TestArchive().file("blob", TestArchive.random(12 * MIB, 2)).bytes();
        Path archive = dir.resolve("mid.tar");
        TestArchive.dockerSave(archive, "mid:1", List.of(layer), 0);
        Store before = Store.now();

        String message = "layer sha256:" + TestArchive.sha256(layer) + ": entry blob: no space left on device";
        assertOneError(docker.run("load", "-i", archive.toString()), message);
        assertUnchangedSince(before);

        RawHttp.Response raw = load(Files.readAllBytes(archive));
        assertThat(raw.status()).as(raw.text()).isEqualTo(503);
        assertThat(raw.json().get("message").asText()).isEqualTo(message);
        assertUnchangedSince(before);
        Files.delete(archive);
    }

    // ---- a data root that cannot be written

    @Test
    @Order(3)
    void importIntoAReadOnlyDataRootSaysSoWithA500() throws Exception {
        Path tar = dir.resolve("ro.tar");
        Files.write(tar, new TestArchive().file("hello", "hi\n").bytes());
        Store before = Store.now();
        run("mount", "-o", "remount,ro", data.toString());
        try {
            String message = "write blob to " + data.resolve("image/content/ingest") + ": read-only file system";
            assertOneError(docker.run("import", tar.toString(), "ro:1"), message);
            RawHttp.Response raw = importTar(Files.readAllBytes(tar), "ro");
            assertThat(raw.status()).as(raw.text()).isEqualTo(500);
            assertThat(raw.json().get("message").asText()).isEqualTo(message);
        } finally {
            run("mount", "-o", "remount,rw", data.toString());
        }
        assertUnchangedSince(before);
        docker.run("import", tar.toString(), "ro:1").ok();
        docker.run("rmi", "ro:1").ok();
        assertUnchangedSince(before);
    }

    // ---- broken archives

    @Test
    @Order(4)
    void loadOfAnArchiveWithAMissingLayerNamesTheLayer() throws Exception {
        byte[] base = new TestArchive().file("hello", "hi\n").bytes();
        byte[] top = new TestArchive().file("second", "2\n").bytes();
        Path archive = dir.resolve("missing.tar");
        TestArchive.dockerSave(archive, "missing:1", List.of(base, top), 1);
        Store before = Store.now();

        String message = "layer \"blobs/sha256/" + TestArchive.sha256(top) + "\" of missing:1: missing from the archive";
        assertOneError(docker.run("load", "-i", archive.toString()), message);
        RawHttp.Response raw = load(Files.readAllBytes(archive));
        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.json().get("message").asText()).isEqualTo(message);
        assertUnchangedSince(before);
    }

    @Test
    @Order(5)
    void layersThatClimbOutAreRefusedNamingTheEntry() throws Exception {
        byte[] dotdot = new TestArchive().file("ok", "fine\n").file("../../escaped", "pwned\n").bytes();
        byte[] link = new TestArchive().file("ok", "fine\n").hardLink("h", "../../etc/passwd").bytes();
        Store before = Store.now();

        for (byte[] layer : List.of(dotdot, link)) {
            String message = "layer sha256:" + TestArchive.sha256(layer) + ": " + (layer == dotdot
                    ? "entry ../../escaped: escapes the layer root"
                    : "entry h: hard link to ../../etc/passwd escapes the layer root");
            Path archive = dir.resolve("climb.tar");
            TestArchive.dockerSave(archive, "climb:1", List.of(layer), 0);
            assertOneError(docker.run("load", "-i", archive.toString()), message);
            assertUnchangedSince(before);

            Path tar = dir.resolve("climb-rootfs.tar");
            Files.write(tar, layer);
            assertOneError(docker.run("import", tar.toString(), "climb:1"), message);
            assertUnchangedSince(before);
            RawHttp.Response raw = importTar(layer, "climb");
            assertThat(raw.status()).isEqualTo(400);
            assertThat(raw.json().get("message").asText()).isEqualTo(message);
            assertUnchangedSince(before);
        }
        assertThat(dir.getParent().resolve("escaped")).doesNotExist();
        assertThat(dir.resolve("escaped")).doesNotExist();
    }

    @Test
    @Order(6)
    void absoluteNamesAndSymlinksOutAreKeptInsideTheLayer() throws Exception {
        // Absolute names are relative to the layer root, and symlinks resolve as in a chroot: the
        // entries land under the snapshot, never in the host's directory they name.
        String hostDir = outside.toString();
        byte[] layer = new TestArchive()
                .file(hostDir + "/absolute", "abs\n")
                .symlink("out", hostDir)
                .file("out/through-absolute-link", "abs link\n")
                .symlink("up", "../".repeat(12) + hostDir.substring(1))
                .file("up/through-relative-link", "rel link\n")
                .bytes();
        Store before = Store.now();
        Path archive = dir.resolve("contained.tar");
        TestArchive.dockerSave(archive, "contained:load", List.of(layer), 0);
        assertThat(docker.run("load", "-i", archive.toString()).ok().out()).contains("Loaded image: contained:load");
        Path tar = dir.resolve("contained-rootfs.tar");
        Files.write(tar, layer);
        docker.run("import", tar.toString(), "contained:import").ok();

        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left.toList()).as("written outside the data root").isEmpty();
        }
        // Both images share the one snapshot of the layer (same chain ID), holding all three files.
        Path snapshot = data.resolve("image/snapshots").resolve(snapshotDirs().getFirst());
        assertThat(snapshotDirs()).hasSize(1);
        Path inside = snapshot.resolve("fs").resolve(hostDir.substring(1));
        assertThat(inside.resolve("absolute")).hasContent("abs");
        assertThat(inside.resolve("through-absolute-link")).hasContent("abs link");
        assertThat(inside.resolve("through-relative-link")).hasContent("rel link");

        docker.run("rmi", "contained:load", "contained:import").ok();
        assertUnchangedSince(before);
    }

    // ---- malformed references

    @Test
    @Order(7)
    void malformedReferencesAreRefusedWithA400() throws Exception {
        // The CLI refuses these itself, with the reference named, before asking the daemon.
        assertClientError(docker.run("pull", "lower/UPPER"),
                "invalid reference format: repository name (lower/UPPER) must be lowercase");
        assertClientError(docker.run("tag", "x", "a b"),
                "Error parsing reference: \"a b\" is not a valid repository/tag: invalid reference format");
        // This one reaches the daemon.
        assertOneError(docker.run("rmi", ":bad"), "invalid reference format: \":bad\"");

        // And the daemon refuses them itself, for clients that do not check.
        Path tar = dir.resolve("ref.tar");
        Files.write(tar, new TestArchive().file("hello", "hi\n").bytes());
        String id = docker.run("import", tar.toString(), "ref:1").ok().out().strip();
        Store before = Store.now();
        expect400("POST", "/images/create?fromImage=lower%2FUPPER&tag=latest",
                "invalid reference format: repository name (lower/UPPER) must be lowercase");
        expect400("POST", "/images/" + id + "/tag?repo=a%20b", "invalid reference format: \"a b\"");
        expect400("DELETE", "/images/:bad", "invalid reference format: \":bad\"");
        assertUnchangedSince(before);
        docker.run("rmi", "ref:1").ok();
    }

    // ---- helpers

    /** What the store holds: blob files, snapshot directories and catalog entries, image lines. */
    private record Store(Set<String> blobs, Set<String> snapshots, List<String> images) {
        static Store now() throws Exception {
            Set<String> blobs = names(data.resolve("image/content/blobs/sha256"));
            Set<String> snapshots = names(data.resolve("image/snapshots"));
            snapshots.remove("metadata.json"); // written with the first snapshot, then kept
            // the daemon's start-up pull warm-up works in a tmp- directory of its own for a moment
            snapshots.removeIf(n -> n.startsWith("tmp-warmup-"));
            Path metadata = data.resolve("image/snapshots/metadata.json");
            if (Files.exists(metadata)) {
                JSON.readTree(metadata.toFile()).path("snapshots").fieldNames()
                        .forEachRemaining(key -> snapshots.add("entry " + key));
            }
            List<String> images = docker.run("images", "-a", "--no-trunc", "--format",
                    "{{.ID}} {{.Repository}}:{{.Tag}}").ok().out().lines().sorted().toList();
            return new Store(blobs, snapshots, images);
        }
    }

    /** Nothing of a failed operation is left, and the daemon still answers. */
    private static void assertUnchangedSince(Store before) throws Exception {
        assertThat(RawHttp.call(daemon.socket, "GET", "/_ping").status()).isEqualTo(200);
        assertThat(names(data.resolve("image/content/ingest"))).as("ingests").isEmpty();
        assertThat(Store.now()).isEqualTo(before);
    }

    private static List<String> snapshotDirs() throws IOException {
        return names(data.resolve("image/snapshots")).stream().filter(n -> n.chars().allMatch(Character::isDigit))
                .toList();
    }

    private static Set<String> names(Path directory) throws IOException {
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> list = Files.list(directory)) {
                list.forEach(p -> names.add(p.getFileName().toString()));
            }
        }
        return names;
    }

    /** The daemon's answer, as the CLI shows it: exit status 1 and one line. */
    private static void assertOneError(DockerCli.Result r, String message) {
        System.out.println("--- " + message + " ---\n" + r.out() + r.err());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("Error response from daemon: " + message);
    }

    private static void assertClientError(DockerCli.Result r, String message) {
        System.out.println("--- " + message + " ---\n" + r.out() + r.err());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(message);
    }

    private static void expect400(String method, String target, String message) throws Exception {
        RawHttp.Response r = RawHttp.call(daemon.socket, method, "/v1.50" + target);
        assertThat(r.status()).as(method + " " + target + ": " + r.text()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).isEqualTo(message);
    }

    private static RawHttp.Response load(byte[] archive) throws IOException {
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            return c.request("POST", "/v1.50/images/load?quiet=1", archive, "Content-Type: application/x-tar");
        }
    }

    private static RawHttp.Response importTar(byte[] tar, String repo) throws IOException {
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            return c.request("POST", "/v1.50/images/create?fromSrc=-&repo=" + repo + "&tag=1", tar,
                    "Content-Type: application/x-tar");
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
