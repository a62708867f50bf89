package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.ContentWriter;
import dev.berth.image.content.Lease;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.InvalidImageException;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * One pull: resolve the reference, pick the platform's manifest, fetch the config, then the
 * layers, at most {@link RegistryConfig#maxConcurrentDownloads()} at a time, each handed to the
 * {@link LayerListener} while it downloads. The index and manifest are stored last, once
 * everything they point to is present. Progress events follow dockerd's sequence:
 *
 * <pre>
 * latest: Pulling from library/busybox
 * a3ed95caeb02: Pulling fs layer      (or "Already exists" when the blob is in the store)
 * a3ed95caeb02: Waiting               (queued behind the download limit)
 * a3ed95caeb02: Downloading [====>  ] …
 * a3ed95caeb02: Verifying Checksum
 * a3ed95caeb02: Download complete
 * a3ed95caeb02: Pull complete         (after the layer listener returned)
 * Digest: sha256:…
 * </pre>
 *
 * The final "Status: …" line is the caller's, who knows whether the tag moved
 * ({@link ProgressEvent#downloadedNewer}, {@link ProgressEvent#upToDate}).
 */
final class Puller {
    private static final int CONFIG_LIMIT = 16 << 20;
    private static final int PIPE_CAPACITY = 8 << 20;

    private final RegistryConfig config;
    private final BlobFetcher fetcher;

    Puller(RegistryConfig config) {
        this.config = config;
        this.fetcher = new BlobFetcher(config.retry());
    }

    PullResult pull(RepositorySession session, RemoteRef ref, ContentStore store, PullOptions options)
            throws ImageException, InterruptedException {
        ProgressListener progress = serialized(options.progress());
        Lease lease = options.lease();
        progress.onProgress(ProgressEvent.message(ref.tag() != null && ref.digest() == null ? ref.tag() : ref.reference(),
                "Pulling from " + ref.repository()));
        RegistryResolver.Resolved root;
        RegistryResolver.Resolved chosen;
        Manifest manifest;
        ImageConfig imageConfig;
        boolean downloaded;
        try {
            root = RegistryResolver.resolve(session, ref);
            Platform platform = options.platform() != null ? options.platform() : Platform.host();
            chosen = RegistryResolver.resolvePlatform(session, ref, root, platform);
            manifest = read(() -> ImageJson.readManifest(chosen.bytes(), "manifest " + chosen.descriptor().digest()));
            downloaded = fetcher.fetch(session, manifest.config(), store, lease, progress, null, null).downloaded();
        } catch (IOException | RegistryResponseException e) {
            throw RegistryErrors.pull(ref, null, e);
        }
        byte[] configBytes = store.read(manifest.config().digest(), CONFIG_LIMIT);
        imageConfig = read(() -> ImageJson.readConfig(configBytes, "config " + manifest.config().digest()));
        if (options.platform() != null && !root.isIndex() && imageConfig.os() != null
                && imageConfig.architecture() != null && !options.platform().matches(imageConfig.platform())) {
            throw ImageException.notFound("image with reference " + ref.familiarString()
                    + " was found but does not match the specified platform: wanted " + options.platform()
                    + ", actual: " + imageConfig.platform());
        }
        downloaded |= pullLayers(session, ref, manifest.layers(), store, lease, progress, options.layers());
        store(store, chosen, lease);
        if (root != chosen) {
            store(store, root, lease);
        }
        progress.onProgress(ProgressEvent.message("Digest: " + root.descriptor().digest()));
        return new PullResult(ref, root.descriptor(), chosen.descriptor(), manifest, imageConfig, downloaded);
    }

    private boolean pullLayers(RepositorySession session, RemoteRef ref, List<Descriptor> layers, ContentStore store,
            Lease lease, ProgressListener progress, LayerListener listener) throws ImageException, InterruptedException {
        Map<Digest, Integer> unique = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            unique.putIfAbsent(layers.get(i).digest(), i);
        }
        Map<Digest, Boolean> present = new LinkedHashMap<>();
        for (Digest digest : unique.keySet()) {
            boolean exists = store.exists(digest);
            present.put(digest, exists);
            progress.onProgress(ProgressEvent.layer(digest.shortId(),
                    exists ? ProgressEvent.ALREADY_EXISTS : ProgressEvent.PULLING_FS_LAYER));
        }
        Semaphore downloads = new Semaphore(config.maxConcurrentDownloads());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletionService<Boolean> done = new ExecutorCompletionService<>(executor);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (Map.Entry<Digest, Integer> entry : unique.entrySet()) {
                int index = entry.getValue();
                Descriptor layer = layers.get(index);
                boolean exists = present.get(entry.getKey());
                futures.add(done.submit(() -> pullLayer(session, ref, index, layer, exists, store, lease, progress,
                        listener, downloads, executor)));
            }
            boolean downloaded = false;
            try {
                for (int i = 0; i < futures.size(); i++) {
                    downloaded |= done.take().get();
                }
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                throw unwrap(ref, e);
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                throw e;
            }
            return downloaded;
        }
    }

    /** Downloads one layer (unless present) and feeds the listener; true if it downloaded. */
    private boolean pullLayer(RepositorySession session, RemoteRef ref, int index, Descriptor layer, boolean exists,
            ContentStore store, Lease lease, ProgressListener progress, LayerListener listener, Semaphore downloads,
            ExecutorService executor) throws Exception {
        String id = layer.digest().shortId();
        boolean listening = listener != LayerListener.NONE;
        BlobPipe pipe = listening ? new BlobPipe(PIPE_CAPACITY) : null;
        Future<?> unpack = listening ? executor.submit(() -> {
            try (InputStream in = pipe.reader()) {
                listener.layer(index, layer, in);
            }
            return null;
        }) : null;
        BlobFetcher.Result result;
        try {
            if (exists) {
                result = fetcher.fetch(session, layer, store, lease, progress, id, null);
            } else {
                if (!downloads.tryAcquire()) {
                    progress.onProgress(ProgressEvent.layer(id, ProgressEvent.WAITING));
                    downloads.acquire();
                }
                try {
                    result = fetcher.fetch(session, layer, store, lease, progress, id, pipe);
                } finally {
                    downloads.release();
                }
                progress.onProgress(ProgressEvent.layer(id, ProgressEvent.DOWNLOAD_COMPLETE));
            }
            if (listening && !result.teed()) {
                try (InputStream in = store.open(layer.digest())) {
                    pipe.writeAll(in);
                }
                pipe.finish();
            }
        } catch (Exception e) {
            ImageException error = e instanceof IOException || e instanceof RegistryResponseException
                    ? RegistryErrors.pull(ref, "blob " + layer.digest(), e)
                    : e instanceof ImageException image ? image : null;
            if (pipe != null) {
                pipe.fail(error != null ? error.getMessage() : "pull of blob " + layer.digest() + " failed");
                awaitQuietly(unpack);
            }
            throw error != null ? error : e;
        }
        if (unpack != null) {
            try {
                unpack.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? ImageException.io("extract layer " + layer.digest(), io)
                        : cause instanceof Exception checked ? checked : new RuntimeException(cause);
            }
        }
        if (!exists) {
            progress.onProgress(ProgressEvent.layer(id, ProgressEvent.PULL_COMPLETE));
        }
        return result.downloaded();
    }

    private static void awaitQuietly(Future<?> future) throws InterruptedException {
        if (future == null) {
            return;
        }
        try {
            future.get();
        } catch (ExecutionException ignored) {
            // the listener failed because the download did; the download's error is the one to report
        }
    }

    /** Stores a verified index or manifest (a no-op if present). */
    private static void store(ContentStore store, RegistryResolver.Resolved document, Lease lease)
            throws ImageException, InterruptedException {
        Descriptor descriptor = document.descriptor();
        Optional<ContentWriter> writer = store.writer(descriptor.digest(), descriptor.size(), lease);
        if (writer.isEmpty()) {
            if (lease != null && !lease.protect(descriptor.digest())) {
                store(store, document, lease); // collected meanwhile: write it again
            }
            return;
        }
        try (ContentWriter w = writer.get()) {
            w.reset();
            w.write(document.bytes(), 0, document.bytes().length);
            w.commit();
        }
    }

    private static ImageException unwrap(RemoteRef ref, ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ImageException image) {
            return image;
        }
        if (cause instanceof IOException || cause instanceof RegistryResponseException) {
            return RegistryErrors.pull(ref, null, (Exception) cause);
        }
        return ImageException.internal("pull " + ref.familiarString() + ": " + cause, cause);
    }

    private static ProgressListener serialized(ProgressListener listener) {
        Object lock = new Object();
        return event -> {
            synchronized (lock) {
                listener.onProgress(event);
            }
        };
    }

    private interface Reading<T> {
        T read() throws InvalidImageException;
    }

    private static <T> T read(Reading<T> reading) throws ImageException {
        try {
            return reading.read();
        } catch (InvalidImageException e) {
            throw ImageException.invalid(e.getMessage(), e);
        }
    }
}
