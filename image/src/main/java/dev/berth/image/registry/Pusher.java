package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.InvalidImageException;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * One push: for an index, each platform's image and then the index; for an image, its layers
 * (at most {@link RegistryConfig#maxConcurrentUploads()} at a time), its config, and then the
 * manifest, so that the registry never sees a manifest before what it references. Progress
 * events follow dockerd's sequence:
 *
 * <pre>
 * The push refers to repository [localhost:5000/app]
 * 5f70bf18a086: Preparing
 * 5f70bf18a086: Waiting                (queued behind the upload limit)
 * 5f70bf18a086: Pushing [=====>   ] …
 * 5f70bf18a086: Pushed                 (or "Layer already exists", "Mounted from library/base")
 * latest: digest: sha256:… size: 527
 * </pre>
 *
 * Layer ids are short diffIDs, as Docker shows them, when the config lists them.
 */
final class Pusher {
    private static final int DOCUMENT_LIMIT = RegistryResolver.MAX_MANIFEST_BYTES;

    private final RegistryConfig config;
    private final BlobUploader uploader;

    Pusher(RegistryConfig config) {
        this.config = config;
        this.uploader = new BlobUploader(config);
    }

    PushResult push(RepositorySession session, RemoteRef target, Descriptor root, ContentStore store,
            PushOptions options) throws ImageException, InterruptedException {
        Object lock = new Object();
        ProgressListener progress = event -> {
            synchronized (lock) {
                options.progress().onProgress(event);
            }
        };
        progress.onProgress(ProgressEvent.message("The push refers to repository [" + target.fullName() + "]"));
        Map<Digest, PushResult.Outcome> outcomes = new ConcurrentHashMap<>();
        byte[] bytes = store.read(root.digest(), DOCUMENT_LIMIT);
        String mediaType = root.mediaType();
        // A mount needs pull access to its source repository, asked for in the same token.
        Set<String> sources = new LinkedHashSet<>();
        for (Descriptor blob : localBlobs(root, bytes, store)) {
            for (String repo : options.mountFrom().repositories(blob)) {
                if (!repo.equals(target.repository())) {
                    sources.add(RepositorySession.pullScope(repo));
                }
            }
        }
        session = session.withScopes(sources);
        try {
            session.connect();
        } catch (IOException | RegistryResponseException e) {
            throw RegistryErrors.push(target, null, e);
        }
        if (MediaTypes.isIndex(mediaType)) {
            Index index = read(() -> ImageJson.readIndex(bytes, "index " + root.digest()));
            for (Descriptor child : index.manifests()) {
                if (store.exists(child.digest())) {
                    byte[] childBytes = store.read(child.digest(), DOCUMENT_LIMIT);
                    pushImage(session, target, child, childBytes, store, options, progress, outcomes);
                    putManifest(session, target, child, childBytes, child.digest().toString());
                } else if (!manifestExists(session, target, child)) {
                    throw ImageException.notFound("manifest " + child.digest() + " of index " + root.digest()
                            + " is neither in the content store nor in " + target.fullName());
                }
            }
        } else if (MediaTypes.isManifest(mediaType)) {
            pushImage(session, target, root, bytes, store, options, progress, outcomes);
        } else {
            throw ImageException.invalid("push " + target.familiarString() + ": " + root.digest()
                    + " is not an image manifest or index (" + mediaType + ")");
        }
        putManifest(session, target, root, bytes, target.reference());
        String tag = target.tag() != null ? target.tag() : target.reference();
        progress.onProgress(ProgressEvent.message(tag + ": digest: " + root.digest() + " size: " + bytes.length));
        progress.onProgress(ProgressEvent.pushResult(tag, root.digest().toString(), bytes.length));
        return new PushResult(target, root, outcomes);
    }

    private void pushImage(RepositorySession session, RemoteRef target, Descriptor descriptor, byte[] bytes,
            ContentStore store, PushOptions options, ProgressListener progress,
            Map<Digest, PushResult.Outcome> outcomes) throws ImageException, InterruptedException {
        Manifest manifest = read(() -> ImageJson.readManifest(bytes, "manifest " + descriptor.digest()));
        List<Digest> diffIds = diffIds(store, manifest);
        Map<Digest, Descriptor> layers = new LinkedHashMap<>();
        Map<Digest, String> ids = new LinkedHashMap<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor layer = manifest.layers().get(i);
            if (MediaTypes.isNonDistributable(layer.mediaType()) && layer.urls() != null) {
                continue; // foreign layers stay where their URLs point, as Docker leaves them
            }
            if (layers.putIfAbsent(layer.digest(), layer) == null) {
                ids.put(layer.digest(), (diffIds.size() == manifest.layers().size() ? diffIds.get(i) : layer.digest()).shortId());
                progress.onProgress(ProgressEvent.layer(ids.get(layer.digest()), ProgressEvent.PREPARING));
            }
        }
        Semaphore uploads = new Semaphore(config.maxConcurrentUploads());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (Descriptor layer : layers.values()) {
                String id = ids.get(layer.digest());
                futures.add(executor.submit(() -> {
                    if (!uploads.tryAcquire()) {
                        progress.onProgress(ProgressEvent.layer(id, ProgressEvent.WAITING));
                        uploads.acquire();
                    }
                    try {
                        BlobUploader.Result result = uploadBlob(session, target, layer, store, options, progress, id);
                        outcomes.put(layer.digest(), result.outcome());
                        progress.onProgress(ProgressEvent.layer(id, switch (result.outcome()) {
                            case EXISTED -> ProgressEvent.LAYER_ALREADY_EXISTS;
                            case MOUNTED -> ProgressEvent.MOUNTED_FROM + result.mountedFrom();
                            case UPLOADED -> ProgressEvent.PUSHED;
                        }));
                    } finally {
                        uploads.release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    throw e.getCause() instanceof ImageException image ? image
                            : ImageException.internal("push " + target.familiarString() + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    futures.forEach(f -> f.cancel(true));
                    throw e;
                }
            }
        }
        BlobUploader.Result config = uploadBlob(session, target, manifest.config(), store, options, progress, null);
        outcomes.put(manifest.config().digest(), config.outcome());
    }

    private BlobUploader.Result uploadBlob(RepositorySession session, RemoteRef target, Descriptor blob,
            ContentStore store, PushOptions options, ProgressListener progress, String id)
            throws ImageException, InterruptedException {
        if (!store.exists(blob.digest())) {
            throw ImageException.notFound("push " + target.familiarString() + ": blob " + blob.digest()
                    + " is not in the content store");
        }
        try {
            return uploader.upload(session, blob, store, options.mountFrom().repositories(blob), progress, id);
        } catch (IOException | RegistryResponseException e) {
            throw RegistryErrors.push(target, "blob " + blob.digest(), e);
        }
    }

    private static void putManifest(RepositorySession session, RemoteRef target, Descriptor descriptor, byte[] bytes,
            String reference) throws ImageException, InterruptedException {
        try {
            HttpResponse<InputStream> response = session.expect(new RepositorySession.Request("PUT",
                    session.uri("manifests/" + reference), Map.of("Content-Type", descriptor.mediaType()),
                    () -> HttpRequest.BodyPublishers.ofByteArray(bytes), true), 201);
            response.body().close();
            String stated = response.headers().firstValue("Docker-Content-Digest").orElse(null);
            if (stated != null && !stated.equals(descriptor.digest().toString())) {
                throw ImageException.invalid("push " + target.familiarString() + ": the registry stored the manifest as "
                        + stated + ", not " + descriptor.digest());
            }
        } catch (IOException | RegistryResponseException e) {
            throw RegistryErrors.push(target, "manifest " + descriptor.digest(), e);
        }
    }

    private static boolean manifestExists(RepositorySession session, RemoteRef target, Descriptor child)
            throws ImageException, InterruptedException {
        try {
            HttpResponse<InputStream> response = session.expect(RepositorySession.Request.of("HEAD",
                    session.uri("manifests/" + child.digest()), Map.of("Accept", RegistryResolver.ACCEPT)), 200, 404);
            response.body().close();
            return response.statusCode() == 200;
        } catch (IOException | RegistryResponseException e) {
            throw RegistryErrors.push(target, "manifest " + child.digest(), e);
        }
    }

    /** The layers and configs of the images under {@code root} that are in the store. */
    private static List<Descriptor> localBlobs(Descriptor root, byte[] bytes, ContentStore store) throws ImageException {
        List<Descriptor> blobs = new ArrayList<>();
        List<byte[]> manifests = new ArrayList<>();
        if (MediaTypes.isIndex(root.mediaType())) {
            Index index = read(() -> ImageJson.readIndex(bytes, "index " + root.digest()));
            for (Descriptor child : index.manifests()) {
                if (MediaTypes.isManifest(child.mediaType()) && store.exists(child.digest())) {
                    manifests.add(store.read(child.digest(), DOCUMENT_LIMIT));
                }
            }
        } else if (MediaTypes.isManifest(root.mediaType())) {
            manifests.add(bytes);
        }
        for (byte[] document : manifests) {
            Manifest manifest = read(() -> ImageJson.readManifest(document, "manifest"));
            blobs.addAll(manifest.layers());
            blobs.add(manifest.config());
        }
        return blobs;
    }

    /** The config's diffIDs, for Docker's layer ids; empty if the config is not an image config. */
    private static List<Digest> diffIds(ContentStore store, Manifest manifest) {
        try {
            ImageConfig config = ImageJson.readConfig(store.read(manifest.config().digest(), 16 << 20), "config");
            return config.diffIds();
        } catch (ImageException | InvalidImageException e) {
            return List.of(); // an artifact, or a config the push will report missing
        }
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
