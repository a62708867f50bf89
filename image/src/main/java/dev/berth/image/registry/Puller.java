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
    private static final System.Logger LOG = System.getLogger(Puller.class.getName());
    private static final int CONFIG_LIMIT = 16 << 20;
    private static final int PIPE_CAPACITY = 2 << 20;

    private final RegistryConfig config;
    private final BlobFetcher fetcher;

    Puller(RegistryConfig config) {
        this.config = config;
        this.fetcher = new BlobFetcher(config.retry());
    }

    /**
     * Pulls from the first of {@code sources} that serves the manifest and config: Docker Hub's
     * mirrors, then Docker Hub (see {@link DockerHubMirrors}), or just the one registry. A source
     * that fails before then is passed over, as dockerd passes over a mirror; the layers come
     * from the source that served the manifest.
     */
    PullResult pull(List<RepositorySession> sources, RemoteRef ref, ContentStore store, PullOptions options)
            throws ImageException, InterruptedException {
        ProgressListener progress = serialized(options.progress());
        Lease lease = options.lease();
        progress.onProgress(ProgressEvent.message(ref.tag() != null && ref.digest() == null ? ref.tag() : ref.reference(),
                "Pulling from " + ref.repository()));
        Start start = null;
        for (int i = 0; start == null; i++) {
            RepositorySession source = sources.get(i);
            try {
                start = start(source, ref, store, lease, options.platform(), progress);
            } catch (IOException | RegistryResponseException | ImageException e) {
                ImageException error = e instanceof ImageException named ? named : RegistryErrors.pull(ref, null, e);
                if (i == sources.size() - 1) {
                    throw error;
                }
                LOG.log(System.Logger.Level.INFO, "pull {0}: mirror {1} failed, trying the next source: {2}",
                        ref, source.host(), error.getMessage());
            }
        }
        RepositorySession session = start.session();
        RegistryResolver.Resolved root = start.root();
        RegistryResolver.Resolved chosen = start.chosen();
        Manifest manifest = start.manifest();
        boolean downloaded = start.downloaded();
        byte[] configBytes = store.read(manifest.config().digest(), CONFIG_LIMIT);
        ImageConfig imageConfig = read(() -> ImageJson.readConfig(configBytes, "config " + manifest.config().digest()));
        if (options.platform() != null && !root.isIndex() && imageConfig.os() != null
                && imageConfig.architecture() != null && !options.platform().matches(imageConfig.platform())) {
            throw ImageException.notFound("image with reference " + ref.familiarString()
                    + " was found but does not match the specified platform: wanted " + options.platform()
                    + ", actual: " + imageConfig.platform());
        }
        options.layers().begin(manifest, imageConfig);
        downloaded |= pullLayers(session, ref, manifest.layers(), store, lease, progress, options.layers());
        store(store, chosen, lease);
        if (root != chosen) {
            store(store, root, lease);
        }
        progress.onProgress(ProgressEvent.message("Digest: " + root.descriptor().digest()));
        return new PullResult(ref, root.descriptor(), chosen.descriptor(), manifest, imageConfig, downloaded);
    }

    /** What a pull starts with, from the source that served it: the documents and the config blob. */
    private record Start(RepositorySession session, RegistryResolver.Resolved root, RegistryResolver.Resolved chosen,
            Manifest manifest, boolean downloaded) {}

    private Start start(RepositorySession session, RemoteRef ref, ContentStore store, Lease lease, Platform wanted,
            ProgressListener progress) throws ImageException, IOException, RegistryResponseException, InterruptedException {
        RegistryResolver.Resolved root = RegistryResolver.resolve(session, ref);
        Platform platform = wanted != null ? wanted : Platform.host();
        RegistryResolver.Resolved chosen = RegistryResolver.resolvePlatform(session, ref, root, platform);
        Manifest manifest = read(() -> ImageJson.readManifest(chosen.bytes(), "manifest " + chosen.descriptor().digest()));
        boolean downloaded;
        try {
            downloaded = fetcher.fetch(session, manifest.config(), store, lease, progress, null, null).downloaded();
        } catch (IOException | RegistryResponseException e) {
            // named as a blob: a missing config is not a missing manifest
            throw RegistryErrors.pull(ref, "blob " + manifest.config().digest(), e);
        }
        return new Start(session, root, chosen, manifest, downloaded);
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
        DownloadSlots slots = new DownloadSlots(config.maxConcurrentDownloads());
        boolean listening = listener != LayerListener.NONE;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // Every listener is started before any download, so that each is called exactly once
            // whatever happens to the downloads, and every pipe can be failed if the pull fails.
            List<Layer> pending = new ArrayList<>();
            int turn = 0;
            for (Map.Entry<Digest, Integer> entry : unique.entrySet()) {
                int index = entry.getValue();
                Descriptor descriptor = layers.get(index);
                boolean exists = present.get(entry.getKey());
                BlobPipe pipe = listening ? new BlobPipe(PIPE_CAPACITY) : null;
                Future<?> unpack = listening ? executor.submit(() -> {
                    try (InputStream in = pipe.reader()) {
                        listener.layer(index, descriptor, in);
                    }
                    return null;
                }) : null;
                pending.add(new Layer(index, descriptor, exists, exists ? -1 : turn++, pipe, unpack));
            }
            CompletionService<Boolean> done = new ExecutorCompletionService<>(executor);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (Layer layer : pending) {
                futures.add(done.submit(() -> pullLayer(session, ref, layer, store, lease, progress, slots)));
            }
            boolean downloaded = false;
            try {
                for (int i = 0; i < futures.size(); i++) {
                    downloaded |= done.take().get();
                }
            } catch (ExecutionException e) {
                abort(pending, futures, "pull of " + ref.familiarString() + " failed");
                throw unwrap(ref, e);
            } catch (InterruptedException e) {
                abort(pending, futures, "pull of " + ref.familiarString() + " was interrupted");
                throw e;
            }
            return downloaded;
        }
    }

    /** One unique layer of the pull: its turn among the downloads and, if listening, its pipe. */
    private record Layer(int index, Descriptor descriptor, boolean exists, int turn, BlobPipe pipe,
            Future<?> unpack) {}

    private static void abort(List<Layer> layers, List<Future<Boolean>> futures, String why) {
        futures.forEach(f -> f.cancel(true));
        for (Layer layer : layers) {
            if (layer.pipe() != null) {
                layer.pipe().fail(why); // a no-op where the blob was complete
            }
        }
    }

    /** Downloads one layer (unless present) and feeds the listener; true if it downloaded. */
    private boolean pullLayer(RepositorySession session, RemoteRef ref, Layer layer, ContentStore store, Lease lease,
            ProgressListener progress, DownloadSlots slots) throws Exception {
        Descriptor descriptor = layer.descriptor();
        String id = descriptor.digest().shortId();
        BlobPipe pipe = layer.pipe();
        BlobFetcher.Result result;
        try {
            if (layer.exists()) {
                result = fetcher.fetch(session, descriptor, store, lease, progress, id, null);
            } else {
                if (!slots.tryAcquire(layer.turn())) {
                    progress.onProgress(ProgressEvent.layer(id, ProgressEvent.WAITING));
                    slots.acquire(layer.turn());
                }
                try {
                    result = fetcher.fetch(session, descriptor, store, lease, progress, id, pipe);
                } finally {
                    slots.release();
                }
                progress.onProgress(ProgressEvent.layer(id, ProgressEvent.DOWNLOAD_COMPLETE));
            }
            if (pipe != null && !result.teed()) {
                try (InputStream in = store.open(descriptor.digest())) {
                    pipe.writeAll(in);
                }
                pipe.finish();
            }
        } catch (Exception e) {
            ImageException error = e instanceof IOException || e instanceof RegistryResponseException
                    ? RegistryErrors.pull(ref, "blob " + descriptor.digest(), e)
                    : e instanceof ImageException image ? image : null;
            if (pipe != null) {
                // the listener sees the error; pullLayers waits for it to end before returning
                pipe.fail(error != null ? error.getMessage() : "pull of blob " + descriptor.digest() + " failed");
            }
            throw error != null ? error : e;
        }
        if (layer.unpack() != null) {
            try {
                layer.unpack().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? ImageException.io("extract layer " + descriptor.digest(), io)
                        : cause instanceof Exception checked ? checked : new RuntimeException(cause);
            }
        }
        if (!layer.exists()) {
            progress.onProgress(ProgressEvent.layer(id, ProgressEvent.PULL_COMPLETE));
        }
        return result.downloaded();
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
