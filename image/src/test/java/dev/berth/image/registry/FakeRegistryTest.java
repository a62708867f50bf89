package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.ContentWriter;
import dev.berth.image.content.FileContentStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry behaviour the reference registry will not show on demand, from canned endpoints:
 * schema 1, 5xx answers, connections that break or stall mid-blob, ranges ignored, wrong bytes,
 * wrong digests, redirects to another host.
 */
class FakeRegistryTest {
    private static final RegistryConfig CONFIG = RegistryConfig.defaults()
            .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40)))
            .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500));

    @TempDir
    Path tmp;
    private FakeRegistry fake;
    private RegistryClient client;
    private TestImages.TestImage image;
    private ContentStore store;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeRegistry();
        client = new RegistryClient(CONFIG, CredentialProvider.ANONYMOUS);
        image = TestImages.image(new Random(5), Platform.of("linux", "amd64"), 200_000, 3_000);
        store = FileContentStore.open(tmp.resolve("store"));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private RemoteRef ref(String repository) {
        return RemoteRef.of(fake.host(), repository, "latest");
    }

    private Descriptor bigLayer() {
        return image.layers().getFirst();
    }

    @Test
    void schemaOneIsRefusedWithAClearMessage() throws Exception {
        byte[] schema1 = """
                {"schemaVersion":1,"name":"old","tag":"latest","architecture":"amd64",
                 "fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],
                 "history":[{"v1Compatibility":"{}"}],"signatures":[]}""".getBytes();
        fake.route("GET", "/v2/old/manifests/latest", (ex, n) -> FakeRegistry.respond(ex, 200,
                Map.of("Content-Type", MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST), schema1));
        // Some registries send schema 1 as plain JSON: the document itself gives it away.
        fake.route("GET", "/v2/older/manifests/latest", (ex, n) -> FakeRegistry.respond(ex, 200,
                Map.of("Content-Type", "application/json"), schema1));
        for (String name : new String[] {"old", "older"}) {
            assertThatThrownBy(() -> client.pull(ref(name), null, store, ProgressListener.NONE))
                    .isInstanceOfSatisfying(ImageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);
                        assertThat(e).hasMessage(fake.host() + "/" + name + ":latest uses the schema 1 manifest format,"
                                + " which is no longer supported; repush the image with a newer client");
                    });
        }
        assertThat(fake.requests("GET", "/v2/old/manifests/latest").getFirst().header("Accept"))
                .contains(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST,
                        MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void serviceUnavailableIsRetriedWithBackoff() throws Exception {
        fake.serve("flaky", "latest", image);
        FakeRegistry.Handler manifest = (ex, n) -> {
            if (n <= 2) {
                FakeRegistry.respond(ex, 503, Map.of(), new byte[0]);
            } else {
                FakeRegistry.respond(ex, 200, Map.of("Content-Type", image.manifest().mediaType()), image.manifestBytes());
            }
        };
        fake.route("GET", "/v2/flaky/manifests/latest", manifest);
        Digest config = image.config().digest();
        fake.route("GET", "/v2/flaky/blobs/" + config, (ex, n) -> FakeRegistry.respond(ex, n <= 2 ? 500 : 200,
                Map.of(), n <= 2 ? new byte[0] : image.blobs().get(config)));

        PullResult pull = client.pull(ref("flaky"), null, store, ProgressListener.NONE);

        assertThat(pull.root()).isEqualTo(image.manifest());
        assertThat(fake.requests("GET", "/v2/flaky/manifests/latest")).hasSize(3);
        assertThat(fake.requests("GET", "/v2/flaky/blobs/" + config)).hasSize(3);
    }

    @Test
    void aLayerRequestRetriedAfterA5xxSaysRetryingInItsProgressLine() throws Exception {
        fake.serve("blinking", "latest", image);
        Descriptor small = image.layers().get(1);
        fake.route("GET", "/v2/blinking/blobs/" + bigLayer().digest(), (ex, n) -> FakeRegistry.respond(ex,
                n == 1 ? 500 : 200, Map.of(), n == 1 ? new byte[0] : image.blobs().get(bigLayer().digest())));
        fake.route("GET", "/v2/blinking/blobs/" + small.digest(), (ex, n) -> FakeRegistry.respond(ex,
                n == 1 ? 503 : 200, Map.of(), n == 1 ? new byte[0] : image.blobs().get(small.digest())));
        Recorder recorder = new Recorder();

        client.pull(ref("blinking"), store, PullOptions.defaults().withLayers(recorder).withProgress(recorder));

        for (Descriptor layer : List.of(bigLayer(), small)) {
            String id = layer.digest().shortId();
            assertThat(fake.requests("GET", "/v2/blinking/blobs/" + layer.digest())).hasSize(2);
            // dockerd's line for a pending retry (a 10 ms backoff shows as one second), then the download resumes
            List<String> lines = recorder.lines().stream().filter(l -> l.startsWith(id + ": ")).toList();
            assertThat(lines).containsSubsequence(id + ": Pulling fs layer", id + ": Retrying in 1 second",
                    id + ": Verifying Checksum", id + ": Download complete");
            assertThat(recorder.layers.get(layer.digest())).isEqualTo(image.blobs().get(layer.digest()));
        }
    }

    @Test
    void givesUpAfterTheLastRetry() throws Exception {
        fake.route("GET", "/v2/down/manifests/latest", (ex, n) -> FakeRegistry.respond(ex, 503, Map.of(), new byte[0]));
        assertThatThrownBy(() -> client.pull(ref("down"), null, store, ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAVAILABLE);
                    assertThat(e).hasMessage("unexpected status from GET request to http://" + fake.host()
                            + "/v2/down/manifests/latest: 503 Service Unavailable");
                });
        assertThat(fake.requests("GET", "/v2/down/manifests/latest")).hasSize(3);
    }

    @Test
    void registryErrorBodiesAreSurfaced() throws Exception {
        fake.route("GET", "/v2/bad/manifests/latest", (ex, n) -> FakeRegistry.respond(ex, 400,
                Map.of("Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"invalid repository name\"}]}".getBytes()));
        assertThatThrownBy(() -> client.pull(ref("bad"), null, store, ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);
                    assertThat(e).hasMessage("name invalid: invalid repository name");
                });
    }

    @Test
    void brokenDownloadResumesWithARangeRequestAndTheTeeSeesEachByteOnce() throws Exception {
        fake.serve("resume", "latest", image);
        byte[] blob = image.blobs().get(bigLayer().digest());
        int half = blob.length / 2;
        fake.route("GET", "/v2/resume/blobs/" + bigLayer().digest(), (ex, n) -> {
            if (n == 1) {
                // Promise everything, send half, hang up.
                ex.sendResponseHeaders(200, blob.length);
                OutputStream out = ex.getResponseBody();
                out.write(blob, 0, half);
                out.flush();
                throw new IOException("connection dropped on purpose");
            }
            servePartial(ex, blob);
        });
        Recorder recorder = new Recorder();
        client.pull(ref("resume"), store, PullOptions.defaults().withLayers(recorder).withProgress(recorder));

        assertThat(fake.requests("GET", "/v2/resume/blobs/" + bigLayer().digest()))
                .extracting(s -> s.header("Range")).containsExactly(null, "bytes=" + half + "-");
        assertThat(store.read(bigLayer().digest(), 1 << 24)).isEqualTo(blob);
        assertThat(recorder.layers.get(bigLayer().digest())).isEqualTo(blob);
    }

    @Test
    void aRegistryThatAlwaysDiesMidBlobFailsSayingWhereAndKeepsWhatArrived() throws Exception {
        fake.serve("dying", "latest", image);
        byte[] blob = image.blobs().get(bigLayer().digest());
        int half = blob.length / 2;
        fake.route("GET", "/v2/dying/blobs/" + bigLayer().digest(), (ex, n) -> {
            // Never past the middle, however the request is ranged: a registry that dies there.
            String range = ex.getRequestHeaders().getFirst("Range");
            int from = range == null ? 0 : Integer.parseInt(range.substring(6, range.length() - 1));
            if (range != null) {
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
            }
            ex.sendResponseHeaders(range == null ? 200 : 206, blob.length - from);
            OutputStream out = ex.getResponseBody();
            out.write(blob, from, Math.max(0, half - from));
            out.flush();
            throw new IOException("connection dropped on purpose");
        });
        assertThatThrownBy(() -> client.pull(ref("dying"), null, store, ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAVAILABLE);
                    // the first attempt moved and renewed the budget; the next two did not
                    assertThat(e).hasMessage("blob " + bigLayer().digest() + ": download failed after 3 attempts:"
                            + " unexpected EOF at byte " + half + " of " + blob.length);
                });
        assertThat(store.exists(bigLayer().digest())).isFalse();
        assertThat(store.ingests()).singleElement().satisfies(i -> assertThat(i.offset()).isEqualTo(half));
    }

    @Test
    void stalledDownloadTimesOutAndResumes() throws Exception {
        fake.serve("stall", "latest", image);
        byte[] blob = image.blobs().get(bigLayer().digest());
        int part = blob.length / 3;
        fake.route("GET", "/v2/stall/blobs/" + bigLayer().digest(), (ex, n) -> {
            if (n == 1) {
                ex.sendResponseHeaders(200, blob.length);
                OutputStream out = ex.getResponseBody();
                out.write(blob, 0, part);
                out.flush();
                try {
                    Thread.sleep(3_000); // far beyond the 500 ms idle timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the test is over
                }
                throw new IOException("gave up");
            }
            servePartial(ex, blob);
        });
        client.pull(ref("stall"), null, store, ProgressListener.NONE);
        assertThat(fake.requests("GET", "/v2/stall/blobs/" + bigLayer().digest()).get(1).header("Range"))
                .isEqualTo("bytes=" + part + "-");
        assertThat(store.read(bigLayer().digest(), 1 << 24)).isEqualTo(blob);
    }

    @Test
    void registryIgnoringTheRangeStartsOverWithoutDuplicatingTeedBytes() throws Exception {
        fake.serve("norange", "latest", image);
        byte[] blob = image.blobs().get(bigLayer().digest());
        fake.route("GET", "/v2/norange/blobs/" + bigLayer().digest(), (ex, n) -> {
            ex.sendResponseHeaders(200, blob.length);
            OutputStream out = ex.getResponseBody();
            if (n == 1) {
                out.write(blob, 0, blob.length / 2);
                out.flush();
                throw new IOException("dropped");
            }
            out.write(blob);
            out.close();
        });
        Recorder recorder = new Recorder();
        client.pull(ref("norange"), store, PullOptions.defaults().withLayers(recorder));
        assertThat(recorder.layers.get(bigLayer().digest())).isEqualTo(blob);
        assertThat(store.read(bigLayer().digest(), 1 << 24)).isEqualTo(blob);
    }

    @Test
    void leftoverIngestIsResumed() throws Exception {
        fake.serve("leftover", "latest", image);
        byte[] blob = image.blobs().get(bigLayer().digest());
        int done = 70_000;
        try (ContentWriter writer = store.writer(bigLayer().digest(), blob.length, null).orElseThrow()) {
            writer.write(blob, 0, done);
        } // closed without commit: the ingest stays for the next writer
        fake.route("GET", "/v2/leftover/blobs/" + bigLayer().digest(), (ex, n) -> servePartial(ex, blob));

        Recorder recorder = new Recorder();
        client.pull(ref("leftover"), store, PullOptions.defaults().withLayers(recorder));

        assertThat(fake.requests("GET", "/v2/leftover/blobs/" + bigLayer().digest()))
                .extracting(s -> s.header("Range")).containsExactly("bytes=" + done + "-");
        assertThat(store.read(bigLayer().digest(), 1 << 24)).isEqualTo(blob);
        assertThat(recorder.layers.get(bigLayer().digest())).isEqualTo(blob); // fed from the store
    }

    @Test
    void anUnpackerThatTakesLayersBaseFirstNeverStarvesTheDownloads() throws Exception {
        // Layers larger than the pipe, one download at a time: a listener that waits for the
        // layer below before reading would deadlock if a higher layer could take the only slot.
        TestImages.TestImage big = TestImages.image(new Random(7), Platform.of("linux", "amd64"),
                9 << 20, 9 << 20, 9 << 20);
        fake.serve("ordered", "latest", big);
        RegistryClient single = new RegistryClient(CONFIG.withConcurrency(1, 1), CredentialProvider.ANONYMOUS);
        List<Integer> began = new CopyOnWriteArrayList<>();
        List<Integer> read = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> finished = List.of(new CompletableFuture<>(), new CompletableFuture<>(),
                new CompletableFuture<>());
        LayerListener baseFirst = new LayerListener() {
            @Override
            public void begin(Manifest manifest, ImageConfig config) {
                began.add(manifest.layers().size());
            }

            @Override
            public void layer(int index, Descriptor layer, InputStream blob) throws IOException {
                if (index > 0) {
                    finished.get(index - 1).join();
                }
                blob.transferTo(OutputStream.nullOutputStream());
                read.add(index);
                finished.get(index).complete(null);
            }
        };
        Recorder recorder = new Recorder();
        try {
            CompletableFuture.runAsync(() -> {
                try {
                    single.pull(ref("ordered"), store, PullOptions.defaults().withLayers(baseFirst).withProgress(recorder));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).get(60, TimeUnit.SECONDS);
        } finally {
            single.close();
        }
        assertThat(began).containsExactly(3);
        assertThat(read).containsExactly(0, 1, 2);
        // downloads start in manifest order
        assertThat(recorder.withStatus(ProgressEvent.DOWNLOADING).stream().map(ProgressEvent::id).distinct())
                .containsExactly(big.layers().stream().map(l -> l.digest().shortId()).toArray(String[]::new));
    }

    @Test
    void corruptBlobIsRefusedAndLeavesNothingBehind() throws Exception {
        fake.serve("corrupt", "latest", image);
        byte[] blob = image.blobs().get(bigLayer().digest()).clone();
        blob[blob.length / 2] ^= 0x55;
        fake.serveBlob("corrupt", bigLayer().digest(), blob);

        Recorder recorder = new Recorder();
        assertThatThrownBy(() -> client.pull(ref("corrupt"), store, PullOptions.defaults().withLayers(recorder)))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);
                    assertThat(e).hasMessageStartingWith("blob " + bigLayer().digest() + ": digest mismatch: got sha256:");
                });
        assertThat(store.exists(bigLayer().digest())).isFalse();
        assertThat(store.ingests()).isEmpty();
        // The unpacker never saw the end of the stream: it got the error instead.
        assertThat(recorder.failures.get(bigLayer().digest())).isInstanceOf(IOException.class)
                .hasMessageContaining("digest mismatch");
        assertThat(store.exists(image.manifest().digest())).isFalse();
    }

    @Test
    void manifestThatDoesNotMatchItsDigestIsRefused() throws Exception {
        Digest wrong = Digest.of("something else".getBytes());
        fake.route("GET", "/v2/liar/manifests/latest", (ex, n) -> FakeRegistry.respond(ex, 200,
                Map.of("Content-Type", image.manifest().mediaType(), "Docker-Content-Digest", wrong.toString()),
                image.manifestBytes()));
        fake.route("GET", "/v2/liar/manifests/" + wrong, (ex, n) -> FakeRegistry.respond(ex, 200,
                Map.of("Content-Type", image.manifest().mediaType()), image.manifestBytes()));
        assertThatThrownBy(() -> client.pull(ref("liar"), null, store, ProgressListener.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("manifest verification failed for digest " + wrong);
        assertThatThrownBy(() -> client.pull(ref("liar").withDigest(wrong), null, store, ProgressListener.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("manifest verification failed for digest " + wrong);
    }

    @Test
    void redirectsAreFollowedWithoutTheCredentials() throws Exception {
        try (FakeRegistry storage = new FakeRegistry()) {
            Credentials jane = Credentials.basic("jane", "pw");
            String expected = Authorizer.basic(jane);
            fake.route("GET", "/v2/", (ex, n) -> {
                if (expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    FakeRegistry.respond(ex, 200, Map.of(), "{}".getBytes());
                } else {
                    FakeRegistry.respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"fake\""), new byte[0]);
                }
            });
            fake.serve("redirect", "latest", image);
            Descriptor layer = bigLayer();
            fake.route("GET", "/v2/redirect/blobs/" + layer.digest(), (ex, n) -> FakeRegistry.respond(ex, 307,
                    Map.of("Location", "http://" + storage.host() + "/store/" + layer.digest().hex()), new byte[0]));
            storage.route("GET", "/store/" + layer.digest().hex(), (ex, n) ->
                    FakeRegistry.respond(ex, 200, Map.of(), image.blobs().get(layer.digest())));

            client.pull(ref("redirect"), store, PullOptions.defaults().withCredentials(jane));

            assertThat(fake.requests("GET", "/v2/redirect/blobs/" + layer.digest()).getFirst().header("Authorization"))
                    .isEqualTo(expected);
            assertThat(storage.requests()).hasSize(1);
            assertThat(storage.requests().getFirst().header("Authorization")).isNull();
            assertThat(store.exists(layer.digest())).isTrue();
        }
    }

    @Test
    void registryThatIsNotThereIsUnavailable() throws Exception {
        int port = TestRegistry.freePort();
        RemoteRef ref = RemoteRef.of("127.0.0.1:" + port, "app", "latest");
        assertThatThrownBy(() -> client.pull(ref, null, store, ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAVAILABLE);
                    assertThat(e).hasMessage("Get \"http://127.0.0.1:" + port + "/v2/\": connect: connection refused");
                });
    }

    /** Serves {@code blob} honouring a {@code Range: bytes=N-} header with 206. */
    private static void servePartial(com.sun.net.httpserver.HttpExchange ex, byte[] blob) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = range == null ? 0 : Integer.parseInt(range.substring(6, range.length() - 1));
        byte[] rest = Arrays.copyOfRange(blob, from, blob.length);
        FakeRegistry.respond(ex, range == null ? 200 : 206, range == null ? Map.of()
                : Map.of("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length), rest);
    }
}
