package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DataRoot;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.FaultProxy;
import dev.berth.daemon.testing.FaultProxy.Corrupt;
import dev.berth.daemon.testing.FaultProxy.CutAt;
import dev.berth.daemon.testing.FaultProxy.Fail;
import dev.berth.daemon.testing.FaultProxy.Pass;
import dev.berth.daemon.testing.FaultProxy.Substitute;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.daemon.testing.TestArchive;
import dev.berth.daemon.testing.TestImages;
import dev.berth.daemon.testing.TestImages.Image;
import dev.berth.image.registry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry failures end to end: the real docker CLI pulls through a real berthd from Debian's
 * real registry, with a {@link FaultProxy} in between that answers 500 once, dies mid-blob,
 * cuts a blob once, serves another manifest than the digest asked for, or flips a byte of a
 * blob. Each failure gives one error line naming the object and exit status 1, leaves no blob,
 * snapshot or image of what failed, and leaves the daemon serving; each transient failure is
 * retried (or resumed) so that the pull succeeds. Every test uses its own repository and random
 * layers, so no blob is shared between them.
 */
@RequiresDockerCli
class RegistryFailureIT {
    private static final int KIB = 1 << 10;
    private static final int MIB = 1 << 20;

    @TempDir
    static Path dir;

    private static TestRegistry registry;
    private static FaultProxy proxy;
    private static BerthdProcess daemon;
    private static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        TestRegistry.assumeInstalled();
        TestImages.assumeSkopeo();
        registry = TestRegistry.plain(dir.resolve("registry"));
        proxy = FaultProxy.start(registry.port());
        daemon = BerthdProcess.start(dir.resolve("d"), "--insecure-registry", proxy.host());
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
    }

    @AfterAll
    static void stop() throws Exception {
        try (TestRegistry r = registry; FaultProxy p = proxy; BerthdProcess d = daemon) {
            // closed in reverse order: the daemon, the proxy, then the registry, each even if another fails
        }
    }

    /** Whatever a test did, berthd still answers and no download is left half-written. */
    @AfterEach
    void daemonStillServes() throws Exception {
        assertThat(RawHttp.call(daemon.socket, "GET", "/_ping").status()).isEqualTo(200);
        docker.run("images").ok();
    }

    @Test
    void theManifestAndABlobAnswering500OnceArePulledAfterABackoff() throws Exception {
        Image image = push("test/flaky", new Random(11), 512 * KIB, 64 * KIB);
        String manifest = "/v2/test/flaky/manifests/v1";
        String blob = blobPath("test/flaky", image.layerDigests().get(0));
        proxy.rule((request, count) -> count == 1 && request.method().equals("GET")
                && (request.path().equals(manifest) || request.path().equals(blob)) ? new Fail(500) : new Pass());

        DockerCli.Result pull = docker.run("pull", image.via(proxy.host()));
        print("500 then 200", pull);
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out()).contains("Status: Downloaded newer image for " + image.via(proxy.host()));
        // the retry is the daemon's business: no error, no status code (as a word: layer ids are
        // random hex and may contain the digits 500), but the blob's layer line counts the
        // backoff down in dockerd's words, then the pull goes on; the manifest has no line of its own
        assertThat(pull.out() + pull.err()).doesNotContainIgnoringCase("error").doesNotContainPattern("\\b500\\b");
        String retried = image.layerDigests().get(0).substring(7, 19);
        assertThat(pull.out().lines().toList()).containsSubsequence(retried + ": Pulling fs layer",
                retried + ": Retrying in 1 second", retried + ": Download complete", retried + ": Pull complete");
        assertThat(pull.out()).containsOnlyOnce("Retrying");
        for (String layer : image.layerDigests()) {
            String id = layer.substring(7, 19);
            assertThat(pull.out().lines().filter(l -> l.equals(id + ": Pull complete"))).hasSize(1);
        }
        for (String path : List.of(manifest, blob)) {
            List<FaultProxy.Request> asked = gets(path);
            assertThat(asked).as("GET " + path).hasSize(2);
            // a backoff, not a hammering: RetryPolicy.DEFAULT waits 500 ms before the second try
            assertThat(Duration.ofNanos(asked.get(1).arrivedNanos() - asked.get(0).arrivedNanos()))
                    .as("wait before retrying " + path).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
        assertPulledWhole(image);
    }

    @Test
    void aRegistryThatDiesMidBlobFailsNamingTheLayerAndALaterPullResumes() throws Exception {
        Image image = push("test/dying", new Random(12), 256 * KIB, 2 * MIB);
        String layer = image.layerDigests().get(1);
        long half = image.layerSizes().get(1) / 2;
        String blob = blobPath("test/dying", layer);
        proxy.rule((request, count) -> request.path().equals(blob) ? new CutAt(half) : new Pass());

        DockerCli.Result pull = docker.run("pull", image.via(proxy.host()));
        print("dies mid-blob", pull);
        assertOneError(pull, layer);
        assertThat(pull.err()).contains("unexpected EOF");
        assertThat(gets(blob)).as("the download was retried").hasSizeGreaterThan(1);
        assertNothingOf(image, 1);
        // The bytes received stay under ingest/ only (ContentWriter#close keeps the ingest of a
        // blob named in advance), never under blobs/, for the next pull to resume from.
        List<Path> kept = DataRoot.ingestsOf(daemon.dataRoot, layer);
        assertThat(kept).as("one resumable ingest of " + layer).hasSize(1);
        assertThat(kept.get(0).resolve("ref")).as("a resumable ingest names its digest").exists();
        long keptBytes = Files.size(kept.get(0).resolve("data"));
        assertThat(keptBytes).isPositive().isLessThanOrEqualTo(half);

        proxy.rule((request, count) -> new Pass());
        DockerCli.Result again = docker.run("pull", image.via(proxy.host()));
        print("healthy again", again);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(gets(blob)).hasSize(1);
        assertThat(gets(blob).get(0).header("Range")).as("resumes where the failed pull stopped")
                .isEqualTo("bytes=" + keptBytes + "-");
        assertPulledWhole(image);
    }

    @Test
    void aBlobCutOnceIsResumedWhereItBrokeOff() throws Exception {
        Image image = push("test/cut", new Random(13), 2 * MIB);
        String layer = image.layerDigests().get(0);
        long half = image.layerSizes().get(0) / 2;
        String blob = blobPath("test/cut", layer);
        proxy.rule((request, count) -> request.path().equals(blob) && count == 1 ? new CutAt(half) : new Pass());

        DockerCli.Result pull = docker.run("pull", image.via(proxy.host()));
        print("cut once", pull);
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out() + pull.err()).doesNotContainIgnoringCase("error");
        // dockerd's words for the backoff: RetryPolicy.DEFAULT's first wait, 500 ms, shows as a second
        assertThat(pull.out().lines()).contains(layer.substring(7, 19) + ": Retrying in 1 second");
        List<FaultProxy.Request> asked = gets(blob);
        assertThat(asked).hasSize(2);
        assertThat(asked.get(0).header("Range")).isNull();
        String range = asked.get(1).header("Range");
        assertThat(range).as("the second request resumes").matches("bytes=\\d+-");
        long from = Long.parseLong(range.substring(6, range.length() - 1));
        assertThat(from).isPositive().isLessThanOrEqualTo(half);
        assertPulledWhole(image);
    }

    @Test
    void aManifestThatIsNotTheDigestAskedForIsRefused() throws Exception {
        Image wanted = push("test/wanted", new Random(14), 32 * KIB);
        Image other = push("test/other", new Random(15), 32 * KIB);
        String asked = "/v2/test/wanted/manifests/" + wanted.manifestDigest();
        proxy.rule((request, count) -> request.path().equals(asked)
                ? new Substitute("/v2/test/other/manifests/" + other.manifestDigest()) : new Pass());

        String ref = proxy.host() + "/test/wanted@" + wanted.manifestDigest();
        DockerCli.Result pull = docker.run("pull", ref);
        print("wrong manifest", pull);
        assertOneError(pull, wanted.manifestDigest());
        assertThat(pull.err()).contains(other.manifestDigest());
        for (Image image : List.of(wanted, other)) {
            assertThat(DataRoot.blob(daemon.dataRoot, image.manifestDigest())).doesNotExist();
            assertNothingOf(image, 0);
        }
        assertNoIngestOf(wanted);
        assertNoIngestOf(other);
    }

    @Test
    void aCorruptBlobIsADigestMismatchNamingTheLayer() throws Exception {
        Image image = push("test/corrupt", new Random(16), 256 * KIB, 1 * MIB);
        String layer = image.layerDigests().get(1);
        long middle = image.layerSizes().get(1) / 2;
        String blob = blobPath("test/corrupt", layer);
        proxy.rule((request, count) -> request.path().equals(blob) ? new Corrupt(middle) : new Pass());

        DockerCli.Result pull = docker.run("pull", image.via(proxy.host()));
        print("corrupt blob", pull);
        assertOneError(pull, layer);
        assertThat(pull.err()).contains("digest mismatch");
        assertNothingOf(image, 1);
        assertThat(DataRoot.ingestsOf(daemon.dataRoot, layer)).isEmpty();
        assertThat(docker.run("images", "-q").ok().out()).doesNotContain("corrupt");
    }

    @Test
    void aLayerThatEscapesItsRootOrIsNoGzipFailsNamingTheLayerAndTheEntry() throws Exception {
        byte[] good = new TestArchive().file("ok", "fine\n").bytes();
        byte[] hostile = new TestArchive().file("ok2", "fine\n").file("../../escaped", "pwned\n").bytes();
        Image traversal = TestImages.pushLayers(dir, registry.host(), "test/traversal",
                List.of(TestImages.gzip(good), TestImages.gzip(hostile)),
                List.of(TestImages.sha256(good), TestImages.sha256(hostile)));
        proxy.rule((request, count) -> new Pass());

        DockerCli.Result pull = docker.run("pull", traversal.via(proxy.host()));
        print("path traversal", pull);
        assertOneError(pull, "layer " + traversal.layerDigests().get(1) + ": entry ../../escaped: escapes the layer root");
        assertNothingOf(traversal, 1);
        assertThat(dir.getParent().resolve("escaped")).doesNotExist();

        // Its digest is right, so only the gunzip can tell: the stream ends in the middle.
        byte[] gz = TestImages.gzip(new TestArchive().file("data", TestArchive.random(64 * KIB, 3)).bytes());
        byte[] truncated = java.util.Arrays.copyOf(gz, gz.length / 2);
        Image corrupt = TestImages.pushLayers(dir, registry.host(), "test/notgzip", List.of(truncated),
                List.of(TestImages.sha256(good)));
        DockerCli.Result again = docker.run("pull", corrupt.via(proxy.host()));
        print("truncated gzip", again);
        assertOneError(again, "layer " + corrupt.layerDigests().get(0) + ": is not a valid tar stream: unexpected EOF");
        assertNothingOf(corrupt, 0);
        assertThat(DataRoot.ingestsOf(daemon.dataRoot, corrupt.layerDigests().get(0))).isEmpty();
    }

    @Test
    void aLayerVerifiedAndUnpackedBeforeAnotherFailedGoesWithThePull() throws Exception {
        Image image = push("test/halfway", new Random(17), 256 * KIB, 128 * KIB);
        String below = image.layerDigests().get(0);
        String blob = blobPath("test/halfway", image.layerDigests().get(1));
        // Layer 1 fails only once layer 0 is verified, stored and unpacked: no race decides what the failure finds.
        proxy.rule((request, count) -> {
            if (!request.path().equals(blob)) {
                return new Pass();
            }
            awaitCommitted(below, image.chainIds().get(0));
            return new Fail(404);
        });

        DockerCli.Result pull = docker.run("pull", image.via(proxy.host()));
        print("fails after a layer completed", pull);
        assertOneError(pull, image.layerDigests().get(1));
        assertThat(pull.out().lines()).contains(below.substring(7, 19) + ": Pull complete");
        // removed with the failed pull, blob and snapshot alike (as dockerd releases the layers
        // of a failed pull), not kept for a later collection
        assertNothingOf(image, 0);
        assertNoIngestOf(image);

        proxy.rule((request, count) -> new Pass());
        DockerCli.Result again = docker.run("pull", image.via(proxy.host()));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("Already exists");
        assertThat(gets(blobPath("test/halfway", below))).as("layer 0 downloaded again").hasSize(1);
        assertPulledWhole(image);
    }

    // ---- helpers

    private static Image push(String repository, Random random, int... sizes) throws Exception {
        return TestImages.push(dir, registry.host(), repository, random, sizes);
    }

    private static String blobPath(String repository, String digest) {
        return "/v2/" + repository + "/blobs/" + digest;
    }

    private static List<FaultProxy.Request> gets(String path) {
        return proxy.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals(path)).toList();
    }

    private static void print(String what, DockerCli.Result r) {
        System.out.println("--- " + what + ": exit " + r.exit() + " ---\n" + r.out() + r.err());
    }

    /** Exit status 1 and one line on stderr, naming {@code object}. */
    private static void assertOneError(DockerCli.Result r, String object) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err().strip().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(object);
    }

    /** No blob of layer {@code from} or above, no snapshot of their chains, no image, no half snapshot. */
    private static void assertNothingOf(Image image, int from) throws Exception {
        for (String layer : image.layerDigests().subList(from, image.layerDigests().size())) {
            assertThat(DataRoot.blob(daemon.dataRoot, layer)).as("blob " + layer).doesNotExist();
        }
        JsonNode snapshots = DataRoot.snapshots(daemon.dataRoot);
        for (String chain : image.chainIds().subList(from, image.chainIds().size())) {
            assertThat(snapshots.has(chain)).as("snapshot " + chain).isFalse();
        }
        snapshots.forEach(s -> assertThat(s.get("kind").asText()).isEqualTo("committed"));
        String repository = image.ref().substring(image.ref().indexOf('/') + 1, image.ref().lastIndexOf(':'));
        assertThat(docker.run("images", "--format", "{{.Repository}}").ok().out()).doesNotContain(repository);
    }

    /** Waits (at most a minute) until the daemon holds {@code blob} and the committed snapshot {@code chain}. */
    private static void awaitCommitted(String blob, String chain) {
        try {
            for (int i = 0; i < 600; i++) {
                if (Files.exists(DataRoot.blob(daemon.dataRoot, blob))
                        && DataRoot.snapshots(daemon.dataRoot).path(chain).path("kind").asText().equals("committed")) {
                    return;
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("layer " + blob + " was never stored and unpacked");
    }

    /** Every layer's blob and committed snapshot, the image listed, and no ingest left. */
    private static void assertPulledWhole(Image image) throws Exception {
        for (String layer : image.layerDigests()) {
            assertThat(DataRoot.blob(daemon.dataRoot, layer)).as("blob " + layer).exists();
        }
        JsonNode snapshots = DataRoot.snapshots(daemon.dataRoot);
        for (String chain : image.chainIds()) {
            assertThat(snapshots.path(chain).path("kind").asText()).as("snapshot " + chain).isEqualTo("committed");
        }
        assertThat(docker.run("images", "-q", image.via(proxy.host())).ok().out()).isNotBlank();
        assertNoIngestOf(image);
    }

    /** No ingest of the image's blobs, nor an anonymous one. */
    private static void assertNoIngestOf(Image image) throws Exception {
        for (String layer : image.layerDigests()) {
            assertThat(DataRoot.ingestsOf(daemon.dataRoot, layer)).as("ingests of " + layer).isEmpty();
        }
    }
}
