package dev.berth.image.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileContentStoreTest {
    @TempDir
    Path root;

    private static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private List<Path> files(String dir) throws IOException {
        try (Stream<Path> paths = Files.walk(root.resolve("content").resolve(dir))) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void committedBlobIsNamedByItsDigestAndReadable() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(200_000, 1);
        Digest digest = Digest.of(data);

        try (ContentWriter writer = store.writer(digest, data.length, null).orElseThrow()) {
            writer.write(data, 0, 70_000);
            writer.stream().write(data, 70_000, data.length - 70_000);
            BlobInfo info = writer.commit();
            assertThat(info.digest()).isEqualTo(digest);
            assertThat(info.size()).isEqualTo(data.length);
        }

        Path blob = root.resolve("content/blobs/sha256/" + digest.hex());
        assertThat(blob).isRegularFile().hasBinaryContent(data);
        assertThat(files("ingest")).isEmpty();
        assertThat(store.info(digest)).get().extracting(BlobInfo::size).isEqualTo((long) data.length);
        try (InputStream in = store.open(digest)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(store.list()).extracting(BlobInfo::digest).containsExactly(digest);
        // A second writer for a present blob is not needed.
        assertThat(store.writer(digest, data.length, null)).isEmpty();
    }

    @Test
    void digestMismatchLeavesNothingInBlobsOrIngest() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = "the real content".getBytes(StandardCharsets.UTF_8);
        Digest claimed = Digest.of("something else".getBytes(StandardCharsets.UTF_8));

        ContentWriter writer = store.writer(claimed, data.length, null).orElseThrow();
        writer.write(data, 0, data.length);
        assertThatThrownBy(writer::commit)
                .isInstanceOf(ImageException.class)
                .hasMessage("blob " + claimed + ": digest mismatch: got " + Digest.of(data))
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);

        assertThat(files("blobs")).isEmpty();
        assertThat(files("ingest")).isEmpty();
        assertThat(root.resolve("content/ingest")).isEmptyDirectory();
        assertThat(store.exists(claimed)).isFalse();
    }

    @Test
    void sizeIsCheckedWhileWritingAndOnCommit() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(100, 2);
        Digest digest = Digest.of(data);

        try (ContentWriter tooMuch = store.writer(digest, 50, null).orElseThrow()) {
            assertThatThrownBy(() -> tooMuch.write(data, 0, data.length))
                    .hasMessage("blob " + digest + ": more than the expected 50 bytes");
            tooMuch.abort();
        }
        ContentWriter anonymous = store.writer(null);
        anonymous.write(data, 0, data.length);
        assertThatThrownBy(() -> anonymous.commit(digest, 99))
                .hasMessage("blob " + digest + ": size mismatch: expected 99 bytes, got 100");
        assertThat(files("blobs")).isEmpty();
        assertThat(root.resolve("content/ingest")).isEmptyDirectory();
    }

    @Test
    void secondWriterOfADigestWaitsForTheFirstAndGetsItsResult() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(64 * 1024, 3);
        Digest digest = Digest.of(data);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ContentWriter first = store.writer(digest, data.length, null).orElseThrow();
            first.write(data, 0, 1000);

            Future<Optional<ContentWriter>> second = pool.submit(() -> store.writer(digest, data.length, null));
            // The second caller is parked while the first holds the digest.
            assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);

            first.write(data, 1000, data.length - 1000);
            first.commit();
            assertThat(second.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(store.exists(digest)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void secondWriterTakesOverWhenTheFirstGivesUpAndResumesItsBytes() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(10_000, 4);
        Digest digest = Digest.of(data);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            ContentWriter first = store.writer(digest, data.length, null).orElseThrow();
            first.write(data, 0, 4000);
            Future<Optional<ContentWriter>> second = pool.submit(() -> store.writer(digest, data.length, null));
            first.close(); // gave up half-way, e.g. the connection dropped

            try (ContentWriter resumed = second.get(10, TimeUnit.SECONDS).orElseThrow()) {
                assertThat(resumed.offset()).isEqualTo(4000);
                resumed.write(data, 4000, data.length - 4000);
                assertThat(resumed.commit().digest()).isEqualTo(digest);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyConcurrentPutsOfOneBlobStoreItOnce() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(300_000, 5);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<BlobInfo>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.put(data, null);
                }));
            }
            start.countDown();
            for (Future<BlobInfo> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).digest()).isEqualTo(Digest.of(data));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(files("blobs")).hasSize(1);
        assertThat(root.resolve("content/ingest")).isEmptyDirectory();
    }

    @Test
    void abandonedWriteIsNeverVisibleAndIsResumedAfterReopen() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(50_000, 6);
        Digest digest = Digest.of(data);
        // A write the daemon was killed in the middle of: never committed nor closed.
        ContentWriter killed = store.writer(digest, data.length, null).orElseThrow();
        killed.write(data, 0, 20_000);
        ContentWriter killedAnonymous = store.writer(null);
        killedAnonymous.write(data, 0, 100);

        assertThat(files("blobs")).isEmpty();
        assertThat(store.exists(digest)).isFalse();

        FileContentStore reopened = FileContentStore.open(root);
        assertThat(reopened.list()).isEmpty();
        // The named ingest survives for resumption; the anonymous one is gone.
        assertThat(reopened.ingests()).singleElement().satisfies(status -> {
            assertThat(status.expected()).isEqualTo(digest);
            assertThat(status.offset()).isEqualTo(20_000);
            assertThat(status.expectedSize()).isEqualTo(data.length);
        });
        try (ContentWriter resumed = reopened.writer(digest, data.length, null).orElseThrow()) {
            assertThat(resumed.offset()).isEqualTo(20_000);
            resumed.write(data, 20_000, data.length - 20_000);
            resumed.commit();
        }
        assertThat(reopened.read(digest, data.length)).isEqualTo(data);
        assertThat(reopened.ingests()).isEmpty();
    }

    @Test
    void anIngestWhoseRefAPowerCutEmptiedIsDiscardedOnReopen() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(30_000, 8);
        Digest digest = Digest.of(data);
        ContentWriter killed = store.writer(digest, data.length, null).orElseThrow();
        killed.write(data, 0, 10_000);
        // The ref is written without an fsync: after a power cut the rename may have reached the
        // disk and its bytes not.
        Path ingestDir;
        try (Stream<Path> dirs = Files.list(root.resolve("content").resolve("ingest"))) {
            ingestDir = dirs.collect(java.util.stream.Collectors.toList()).getFirst();
        }
        Files.write(ingestDir.resolve(Ingest.REF), new byte[0]);

        FileContentStore reopened = FileContentStore.open(root);
        assertThat(reopened.ingests()).isEmpty();
        assertThat(ingestDir).doesNotExist();
        try (ContentWriter fresh = reopened.writer(digest, data.length, null).orElseThrow()) {
            assertThat(fresh.offset()).isZero();
            fresh.write(data, 0, data.length);
            fresh.commit();
        }
        assertThat(reopened.read(digest, data.length)).isEqualTo(data);
    }

    @Test
    void aNamedWriteClosedBeforeItsFirstByteLeavesNoIngest() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(1000, 8);
        // what a download that the registry answered with a 404 leaves: nothing to resume from
        store.writer(Digest.of(data), data.length, null).orElseThrow().close();
        assertThat(store.ingests()).isEmpty();
        assertThat(root.resolve("content/ingest")).isEmptyDirectory();
    }

    @Test
    void abortDeletesAResumableIngest() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(1000, 7);
        Digest digest = Digest.of(data);
        ContentWriter writer = store.writer(digest, data.length, null).orElseThrow();
        writer.write(data, 0, 10);
        writer.close();
        assertThat(store.ingests()).hasSize(1);
        store.abort(digest);
        assertThat(store.ingests()).isEmpty();
        try (ContentWriter fresh = store.writer(digest, data.length, null).orElseThrow()) {
            assertThat(fresh.offset()).isZero();
        }
    }

    @Test
    void readRefusesOversizedDocumentsAndMissingBlobsAreNotFound() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        BlobInfo info = store.put(randomBytes(2000, 8), null);
        assertThatThrownBy(() -> store.read(info.digest(), 1000))
                .hasMessage("blob " + info.digest() + ": larger than 1000 bytes");
        Digest missing = Digest.of(new byte[] {1});
        assertThatThrownBy(() -> store.open(missing))
                .hasMessage("blob " + missing + ": not found")
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.NOT_FOUND);
        assertThat(store.delete(info.digest())).isTrue();
        assertThat(store.delete(info.digest())).isFalse();
    }

    @Test
    void sweepSparesRootsAndLeasedBlobs() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        BlobInfo kept = store.put(randomBytes(10, 9), null);
        BlobInfo garbage = store.put(randomBytes(10, 10), null);
        BlobInfo leased;
        try (Lease lease = store.lease()) {
            leased = store.put(randomBytes(10, 11), lease);
            BlobInfo alsoLeased = store.put(randomBytes(10, 12), null);
            assertThat(lease.protect(alsoLeased.digest())).isTrue();
            assertThat(lease.protect(Digest.of(new byte[] {42}))).isFalse();

            List<BlobInfo> deleted = store.sweep(() -> Set.of(kept.digest()));
            assertThat(deleted).extracting(BlobInfo::digest).containsExactly(garbage.digest());
            assertThat(store.exists(leased.digest())).isTrue();
            assertThat(store.exists(alsoLeased.digest())).isTrue();
        }
        // Once the lease is closed its blobs are garbage unless an image took them.
        assertThat(store.sweep(() -> Set.of(kept.digest()))).hasSize(2);
        assertThat(store.list()).extracting(BlobInfo::digest).containsExactly(kept.digest());
    }

    @Test
    void sweepWaitsForACommitInProgress() throws Exception {
        FileContentStore store = FileContentStore.open(root);
        byte[] data = randomBytes(10, 13);
        try (Lease lease = store.lease()) {
            ContentWriter writer = store.writer(Digest.of(data), data.length, lease).orElseThrow();
            writer.write(data, 0, data.length);
            CompletableFuture<BlobInfo> commit = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.commit();
                } catch (ImageException e) {
                    throw new RuntimeException(e);
                }
            });
            commit.get(10, TimeUnit.SECONDS);
            assertThat(store.sweep(Set::of)).isEmpty();
        }
    }
}
