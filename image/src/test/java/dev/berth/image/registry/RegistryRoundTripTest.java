package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.FileContentStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push and pull against the reference registry over plain HTTP (127.0.0.1 is insecure by default, as in Docker). */
class RegistryRoundTripTest {
    private static final RegistryConfig CONFIG = RegistryConfig.defaults()
            .withRetry(new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100)));

    @TempDir
    Path tmp;
    private TestRegistry registry;
    private RegistryClient client;
    private final Random random = new Random(42);

    @BeforeEach
    void start() throws Exception {
        registry = TestRegistry.plain(tmp.resolve("registry"));
        client = new RegistryClient(CONFIG, CredentialProvider.ANONYMOUS);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private ContentStore store(String name) throws ImageException {
        return FileContentStore.open(tmp.resolve(name));
    }

    @Test
    void pushedImageComesBackWithTheSameDigests() throws Exception {
        TestImages.TestImage image = TestImages.image(random, Platform.of("linux", "amd64"), 300_000, 50_000, 1_000);
        ContentStore source = store("source");
        image.storeIn(source);
        RemoteRef ref = RemoteRef.of(registry.host(), "app", "v1");

        Recorder pushed = new Recorder();
        PushResult push = client.push(ref, image.manifest(), source, PushOptions.defaults().withProgress(pushed));

        assertThat(push.blobs()).hasSize(4).containsValues(PushResult.Outcome.UPLOADED);
        assertThat(push.blobs().values()).containsOnly(PushResult.Outcome.UPLOADED);
        List<String> lines = pushed.lines();
        assertThat(lines.get(0)).isEqualTo("The push refers to repository [" + registry.host() + "/app]");
        assertThat(lines).filteredOn(l -> l.endsWith(": Preparing")).hasSize(3);
        assertThat(lines).filteredOn(l -> l.endsWith(": Pushed")).hasSize(3);
        assertThat(lines.getLast()).isEqualTo("v1: digest: " + image.manifest().digest() + " size: " + image.manifest().size());
        assertThat(pushed.withStatus(ProgressEvent.PUSHING)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.progressDetail().total()).isPositive());
        ProgressEvent aux = pushed.events.getLast();
        assertThat(aux.aux()).isEqualTo(new ProgressEvent.PushAux("v1", image.manifest().digest().toString(),
                image.manifest().size()));

        ContentStore target = store("target");
        Recorder pulled = new Recorder();
        PullResult pull = client.pull(ref, target, PullOptions.defaults().withProgress(pulled).withLayers(pulled));

        assertThat(pull.root()).isEqualTo(image.manifest());
        assertThat(pull.manifest()).isEqualTo(image.manifest());
        assertThat(pull.imageId()).isEqualTo(image.config().digest());
        assertThat(pull.downloaded()).isTrue();
        for (Map.Entry<Digest, byte[]> blob : image.blobs().entrySet()) {
            assertThat(target.read(blob.getKey(), 1 << 24)).as("blob %s", blob.getKey()).isEqualTo(blob.getValue());
        }
        // The listener saw every layer, whole and in manifest order positions, on threads of its own.
        for (int i = 0; i < image.layers().size(); i++) {
            Descriptor layer = image.layers().get(i);
            assertThat(pulled.layers.get(layer.digest())).isEqualTo(image.blobs().get(layer.digest()));
            assertThat(pulled.indexes.get(layer.digest())).isEqualTo(i);
        }
        assertThat(pulled.failures).isEmpty();
        List<String> pullLines = pulled.lines();
        assertThat(pullLines.getFirst()).isEqualTo("v1: Pulling from app");
        for (Descriptor layer : image.layers()) {
            String id = layer.digest().shortId();
            assertThat(pullLines).containsSubsequence(id + ": Pulling fs layer", id + ": Verifying Checksum",
                    id + ": Download complete", id + ": Pull complete");
        }
        assertThat(pullLines.getLast()).isEqualTo("Digest: " + image.manifest().digest());
        assertThat(pulled.withStatus(ProgressEvent.DOWNLOADING)).isNotEmpty();

        // Again into the same store: nothing to download, the listener still sees every layer.
        Recorder again = new Recorder();
        PullResult second = client.pull(ref, target, PullOptions.defaults().withProgress(again).withLayers(again));
        assertThat(second.downloaded()).isFalse();
        assertThat(again.lines()).filteredOn(l -> l.endsWith(": Already exists")).hasSize(3);
        assertThat(again.lines()).noneMatch(l -> l.contains("Download complete"));
        assertThat(again.layers).hasSize(3);

        // And pushing again finds everything there.
        Recorder repushed = new Recorder();
        PushResult third = client.push(ref, image.manifest(), source, PushOptions.defaults().withProgress(repushed));
        assertThat(third.blobs().values()).containsOnly(PushResult.Outcome.EXISTED);
        assertThat(repushed.lines()).filteredOn(l -> l.endsWith(": Layer already exists")).hasSize(3);
    }

    @Test
    void pushLayerIdsAreShortDiffIds() throws Exception {
        TestImages.TestImage image = TestImages.image(random, Platform.of("linux", "amd64"), 1_000);
        ContentStore source = store("source");
        image.storeIn(source);
        Recorder pushed = new Recorder();
        client.push(RemoteRef.of(registry.host(), "ids", "latest"), image.manifest(), source,
                PushOptions.defaults().withProgress(pushed));
        String configJson = new String(image.blobs().get(image.config().digest()));
        String expected = configJson.replaceAll("(?s).*\"diff_ids\":\\[\"sha256:([0-9a-f]{12}).*", "$1");
        assertThat(pushed.lines()).contains(expected + ": Preparing", expected + ": Pushed");
        assertThat(expected).isNotEqualTo(image.layers().getFirst().digest().shortId());
    }

    @Test
    void ociManifestsRoundTrip() throws Exception {
        TestImages.TestImage image = TestImages.image(random, Platform.of("linux", "amd64"), MediaTypes.OCI_MANIFEST, 10_000);
        ContentStore source = store("source");
        image.storeIn(source);
        RemoteRef ref = RemoteRef.of(registry.host(), "oci/app", "1.0");
        client.push(ref, image.manifest(), source, PushOptions.defaults());

        PullResult pull = client.pull(ref, null, store("target"), ProgressListener.NONE);
        assertThat(pull.root().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(pull.root().digest()).isEqualTo(image.manifest().digest());

        // By digest, the digest is verified against the bytes.
        PullResult byDigest = client.pull(ref.withDigest(image.manifest().digest()), null, store("target2"),
                ProgressListener.NONE);
        assertThat(byDigest.root()).isEqualTo(pull.root());
    }

    @Test
    void multiPlatformIndexPullsTheWantedPlatform() throws Exception {
        Platform amd64 = Platform.of("linux", "amd64");
        Platform arm64 = new Platform("arm64", "linux", null, null, "v8", null);
        TestImages.TestImage forAmd64 = TestImages.image(random, amd64, MediaTypes.OCI_MANIFEST, 20_000, 3_000);
        TestImages.TestImage forArm64 = TestImages.image(random, arm64, MediaTypes.OCI_MANIFEST, 25_000);
        TestImages.TestImage index = TestImages.index(List.of(forAmd64, forArm64), List.of(amd64, arm64));
        ContentStore source = store("source");
        index.storeIn(source);
        RemoteRef ref = RemoteRef.of(registry.host(), "multi", "latest");
        Recorder pushed = new Recorder();
        PushResult push = client.push(ref, index.manifest(), source, PushOptions.defaults().withProgress(pushed));
        assertThat(push.blobs()).hasSize(5); // 3 layers and 2 configs
        assertThat(pushed.lines().getLast()).isEqualTo("latest: digest: " + index.manifest().digest()
                + " size: " + index.manifest().size());

        ContentStore host = store("host");
        PullResult pulled = client.pull(ref, null, host, ProgressListener.NONE);
        assertThat(pulled.root()).isEqualTo(index.manifest());
        assertThat(pulled.manifest().digest()).isEqualTo(forAmd64.manifest().digest());
        assertThat(pulled.config().architecture()).isEqualTo("amd64");
        assertThat(host.exists(index.manifest().digest())).isTrue();
        assertThat(host.exists(forArm64.layers().getFirst().digest())).isFalse();

        PullResult arm = client.pull(ref, PlatformSelector.parse("linux/arm64"), store("arm"), ProgressListener.NONE);
        assertThat(arm.manifest().digest()).isEqualTo(forArm64.manifest().digest());
        assertThat(arm.root().digest()).isEqualTo(index.manifest().digest());

        assertThatThrownBy(() -> client.pull(ref, PlatformSelector.parse("linux/s390x"), store("none"), ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.NOT_FOUND);
                    assertThat(e).hasMessage("no matching manifest for linux/s390x in the manifest list entries");
                });

        // By the index's digest, too.
        PullResult byDigest = client.pull(ref.withDigest(index.manifest().digest()), null, store("digest"),
                ProgressListener.NONE);
        assertThat(byDigest.manifest().digest()).isEqualTo(forAmd64.manifest().digest());
    }

    @Test
    void explicitPlatformMustMatchASinglePlatformImage() throws Exception {
        TestImages.TestImage image = TestImages.image(random, Platform.of("linux", "amd64"), 1_000);
        ContentStore source = store("source");
        image.storeIn(source);
        RemoteRef ref = RemoteRef.of(registry.host(), "single", "latest");
        client.push(ref, image.manifest(), source, PushOptions.defaults());
        assertThatThrownBy(() -> client.pull(ref, PlatformSelector.parse("linux/arm64"), store("t"), ProgressListener.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessage("image with reference " + registry.host() + "/single:latest was found but does not match"
                        + " the specified platform: wanted linux/arm64, actual: linux/amd64");
    }

    @Test
    void largeBlobsArePushedInChunks() throws Exception {
        RegistryClient chunking = new RegistryClient(CONFIG.withChunking(256 << 10, 100 << 10), CredentialProvider.ANONYMOUS);
        try (chunking) {
            TestImages.TestImage image = TestImages.image(random, Platform.of("linux", "amd64"), 700_000, 2_000);
            ContentStore source = store("source");
            image.storeIn(source);
            RemoteRef ref = RemoteRef.of(registry.host(), "chunked", "latest");
            Recorder pushed = new Recorder();
            PushResult push = chunking.push(ref, image.manifest(), source, PushOptions.defaults().withProgress(pushed));
            assertThat(push.blobs().values()).containsOnly(PushResult.Outcome.UPLOADED);

            long big = image.layers().getFirst().size();
            long chunks = (big + (100 << 10) - 1) / (100 << 10);
            List<String> requests = registry.requests();
            assertThat(requests).filteredOn(r -> r.startsWith("PATCH /v2/chunked/blobs/uploads/") && r.endsWith(" 202"))
                    .hasSize((int) chunks);
            // Small blobs go in one PUT with the data; the big one ends with a PUT without.
            assertThat(requests).filteredOn(r -> r.startsWith("PUT /v2/chunked/blobs/uploads/") && r.endsWith(" 201"))
                    .hasSize(3);
            // Progress counts across chunks up to the whole size.
            assertThat(pushed.withStatus(ProgressEvent.PUSHING))
                    .anySatisfy(e -> assertThat(e.progressDetail().current()).isEqualTo(big));

            ContentStore target = store("target");
            client.pull(ref, null, target, ProgressListener.NONE);
            Digest layer = image.layers().getFirst().digest();
            assertThat(target.read(layer, 1 << 24)).isEqualTo(image.blobs().get(layer));
        }
    }

    @Test
    void blobsAreMountedFromAnotherRepository() throws Exception {
        TestImages.TestImage image = TestImages.image(random, Platform.of("linux", "amd64"), 40_000, 5_000);
        ContentStore source = store("source");
        image.storeIn(source);
        client.push(RemoteRef.of(registry.host(), "team/a", "latest"), image.manifest(), source, PushOptions.defaults());

        Recorder pushed = new Recorder();
        RemoteRef b = RemoteRef.of(registry.host(), "team/b", "latest");
        PushResult push = client.push(b, image.manifest(), source,
                PushOptions.defaults().withMountFrom("team/a").withProgress(pushed));

        assertThat(push.blobs()).hasSize(3);
        assertThat(push.blobs().values()).containsOnly(PushResult.Outcome.MOUNTED);
        assertThat(pushed.lines()).filteredOn(l -> l.endsWith(": Mounted from team/a")).hasSize(2);
        List<String> requests = registry.requests();
        for (Digest digest : List.of(image.layers().get(0).digest(), image.layers().get(1).digest(),
                image.config().digest())) {
            assertThat(requests).contains("POST /v2/team/b/blobs/uploads/?mount=" + digest.toString().replace(":", "%3A")
                    + "&from=team%2Fa 201");
        }
        assertThat(requests).noneMatch(r -> r.startsWith("PUT /v2/team/b/blobs/uploads/")
                || r.startsWith("PATCH /v2/team/b/blobs/uploads/"));
        PullResult pull = client.pull(b, null, store("target"), ProgressListener.NONE);
        assertThat(pull.root().digest()).isEqualTo(image.manifest().digest());
    }

    @Test
    void missingTagIsNotFoundWithTheRegistrysWords() throws Exception {
        RemoteRef ref = RemoteRef.of(registry.host(), "nothing", "latest");
        assertThatThrownBy(() -> client.pull(ref, null, store("t"), ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.NOT_FOUND);
                    assertThat(e).hasMessage("manifest for " + registry.host()
                            + "/nothing:latest not found: manifest unknown: manifest unknown");
                    assertThat(e.getCause()).isInstanceOfSatisfying(RegistryResponseException.class,
                            r -> assertThat(r.status()).isEqualTo(404));
                });
    }

    @Test
    void pushOfAnImageWithoutItsBlobsNamesTheMissingBlob() throws Exception {
        TestImages.TestImage image = TestImages.image(random, Platform.of("linux", "amd64"), 1_000);
        ContentStore source = store("source");
        source.put(image.manifestBytes(), null);
        assertThatThrownBy(() -> client.push(RemoteRef.of(registry.host(), "broken", "latest"), image.manifest(),
                source, PushOptions.defaults()))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("blob " + image.layers().getFirst().digest() + " is not in the content store");
    }
}
