package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.daemon.testing.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestRegistry registry;
    private static BerthdProcess daemon;
    private static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        TestRegistry.assumeInstalled();
        boolean skopeo = Files.isExecutable(Path.of("/usr/bin/skopeo"));
        if (!skopeo && (Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT")))) {
            throw new AssertionError("skopeo is missing (scripts/install-deps installs it), and berth.requireRoot is set");
        }
        assumeTrue(skopeo, "needs skopeo to push test images to the registry");
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
        return snapshots(daemon.dataRoot);
    }

    private static JsonNode snapshots(Path dataRoot) throws IOException {
        Path metadata = dataRoot.resolve("image/snapshots/metadata.json");
        return Files.exists(metadata) ? JSON.readTree(metadata.toFile()).path("snapshots") : JSON.createObjectNode();
    }

    /** The ingest directories whose data is (or was to become) {@code digest}, or has no ref. */
    private static List<Path> ingestsOf(String digest) throws IOException {
        try (Stream<Path> s = Files.list(daemon.dataRoot.resolve("image/content/ingest"))) {
            return s.filter(dir -> {
                try {
                    Path ref = dir.resolve("ref");
                    return !Files.exists(ref) || Files.readString(ref).startsWith(digest + " ");
                } catch (IOException e) {
                    return true;
                }
            }).toList();
        }
    }

    /** An image pushed to the test registry: its reference, layer digests and chain IDs. */
    private record Image(String ref, List<String> layerDigests, List<String> chainIds) {}

    /** Writes an OCI layout with one layer of random bytes per size and pushes it with skopeo. */
    private static Image push(String repository, Random random, int... sizes) throws Exception {
        Path layout = Files.createDirectories(dir.resolve("layout-" + repository.replace('/', '-')));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        List<String> layers = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] content = new byte[sizes[i]];
            random.nextBytes(content);
            byte[] tar = tar("layer" + i + "/data", content);
            byte[] gz = gzip(tar);
            String digest = put(blobs, gz);
            digests.add(digest);
            diffIds.add(sha256(tar));
            layers.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + digest
                    + "\",\"size\":" + gz.length + "}");
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + String.join("\",\"", diffIds) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = put(blobs, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[" + String.join(",", layers) + "]}")
                .getBytes(StandardCharsets.UTF_8);
        String manifestDigest = put(blobs, manifest);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
        String ref = registry.host() + "/" + repository + ":v1";
        Process skopeo = new ProcessBuilder("skopeo", "copy", "-q", "--dest-tls-verify=false",
                "oci:" + layout + ":v1", "docker://" + ref).redirectErrorStream(true).start();
        String out = new String(skopeo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(skopeo.waitFor()).as("skopeo copy: " + out).isZero();
        List<String> chains = new ArrayList<>();
        String chain = null;
        for (String diffId : diffIds) {
            chain = chain == null ? diffId : sha256((chain + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chains.add(chain);
        }
        return new Image(ref, digests, chains);
    }

    private static String put(Path blobs, byte[] data) throws Exception {
        String digest = sha256(data);
        Files.write(blobs.resolve(digest.substring(7)), data);
        return digest;
    }

    private static String sha256(byte[] data) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
