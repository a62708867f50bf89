package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DataRoot;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.daemon.testing.TestImages;
import dev.berth.daemon.testing.TestImages.Image;
import dev.berth.image.registry.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls that unpack while they download, through the docker CLI, a real berthd and Debian's
 * real registry, with images that skopeo pushed there from an OCI layout: a three-layer image
 * whose small top layers finish downloading before the base, and one whose middle layer the
 * registry serves corrupted.
 */
@RequiresDockerCli
class PullUnpackIT {
    @TempDir
    static Path dir;

    private static TestRegistry registry;
    private static BerthdProcess daemon;
    private static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        TestRegistry.assumeInstalled();
        TestImages.assumeSkopeo();
        registry = TestRegistry.plain(dir.resolve("registry"));
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    @Test
    void aThreeLayerImageIsUnpackedBaseFirstWhateverFinishesFirst() throws Exception {
        // the base is the largest: the layers above it finish downloading long before it does
        Image image = push("test/layers", new Random(1), 6 << 20, 64 << 10, 4 << 10);
        DockerCli.Result pull = docker.run("pull", image.ref());
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out()).contains("Status: Downloaded newer image for " + image.ref());

        JsonNode snapshots = snapshots();
        String parent = null;
        for (String chain : image.chainIds()) {
            JsonNode s = snapshots.get(chain);
            assertThat(s).as("snapshot " + chain).isNotNull();
            assertThat(s.get("kind").asText()).isEqualTo("committed");
            assertThat(s.hasNonNull("parent") ? s.get("parent").asText() : null).isEqualTo(parent);
            parent = chain;
        }
        snapshots.forEach(s -> assertThat(s.get("kind").asText()).isEqualTo("committed")); // nothing half-made
        for (String layer : image.layerDigests()) {
            assertThat(ingestsOf(layer)).isEmpty();
        }
    }

    @Test
    void aCorruptLayerLeavesNeitherItsBlobNorItsSnapshotNorTheImage() throws Exception {
        Image image = push("test/corrupt", new Random(2), 2 << 20, 3 << 20, 16 << 10);
        String bad = image.layerDigests().get(1);
        Path data = dir.resolve("registry/storage/docker/registry/v2/blobs/sha256")
                .resolve(bad.substring(7, 9)).resolve(bad.substring(7)).resolve("data");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55; // same size, wrong digest: found only at the very end
        Files.write(data, bytes);

        DockerCli.Result pull = docker.run("pull", image.ref());
        assertThat(pull.exit()).isNotZero();
        assertThat(pull.out() + pull.err()).contains("digest mismatch");

        Path blobs = daemon.dataRoot.resolve("image/content/blobs/sha256");
        assertThat(blobs.resolve(bad.substring(7))).doesNotExist();
        // the bad blob's ingest is gone; a layer whose download the failure cut short may keep
        // a resumable one (ingest/<random>/ref names its digest), never a visible blob
        assertThat(ingestsOf(bad)).isEmpty();
        JsonNode snapshots = snapshots();
        for (String chain : image.chainIds().subList(1, 3)) {
            assertThat(snapshots.has(chain)).as("snapshot " + chain).isFalse();
        }
        snapshots.forEach(s -> assertThat(s.get("kind").asText()).isEqualTo("committed")); // nothing half-made
        assertThat(docker.run("images", "-q", image.ref()).ok().out()).isBlank();
    }

    @Test
    void aDaemonKilledMidPullRestartsConsistentAndThePullThenSucceeds() throws Exception {
        // 72 MiB: the pull is still downloading a few milliseconds after its first bytes land
        Image image = push("test/crash", new Random(3), 32 << 20, 24 << 20, 16 << 20);
        Path root = dir.resolve("crash");
        BerthdProcess victim = BerthdProcess.start(root);
        Path ingest = victim.dataRoot.resolve("image/content/ingest");
        Process pull;
        try {
            pull = new ProcessBuilder(DockerCli.binary().toString(), "-H", "unix://" + victim.socket, "pull", image.ref())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("crash-pull.out").toFile()).start();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!hasEntries(ingest) && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            victim.process().destroyForcibly().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            victim.close();
        }
        assertThat(pull.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(pull.exitValue()).as("the pull was cut short by the kill").isNotZero();

        BerthdProcess again = BerthdProcess.start(root);
        try {
            DockerCli cli = new DockerCli("unix://" + again.socket, Files.createDirectories(dir.resolve("crash-config")));
            assertThat(cli.run("images", "-q").ok().out()).isBlank();
            // every blob under its final name holds exactly what its name promises
            try (Stream<Path> blobs = Files.list(again.dataRoot.resolve("image/content/blobs/sha256"))) {
                for (Path blob : blobs.toList()) {
                    assertThat(sha256(Files.readAllBytes(blob))).as("blob " + blob)
                            .isEqualTo("sha256:" + blob.getFileName());
                }
            }
            // only whole snapshots survive, each on a committed parent of the image's chain
            JsonNode before = snapshots(again.dataRoot);
            before.forEach(s -> assertThat(s.get("kind").asText()).isEqualTo("committed"));
            before.fieldNames().forEachRemaining(chain -> assertThat(image.chainIds()).contains(chain));

            DockerCli.Result again2 = cli.run("pull", image.ref());
            assertThat(again2.exit()).as(again2.err()).isZero();
            JsonNode after = snapshots(again.dataRoot);
            for (String chain : image.chainIds()) {
                assertThat(after.path(chain).path("kind").asText()).as("snapshot " + chain).isEqualTo("committed");
            }
        } finally {
            again.close();
        }
    }

    private static boolean hasEntries(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.findAny().isPresent();
        }
    }

    private static JsonNode snapshots() throws IOException {
        return DataRoot.snapshots(daemon.dataRoot);
    }

    private static JsonNode snapshots(Path dataRoot) throws IOException {
        return DataRoot.snapshots(dataRoot);
    }

    private static List<Path> ingestsOf(String digest) throws IOException {
        return DataRoot.ingestsOf(daemon.dataRoot, digest);
    }

    private static Image push(String repository, Random random, int... sizes) throws Exception {
        return TestImages.push(dir, registry.host(), repository, random, sizes);
    }

    private static String sha256(byte[] data) {
        return TestImages.sha256(data);
    }
}
