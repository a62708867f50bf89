package dev.berth.daemon.image;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.image.DeleteItem;
import dev.berth.daemon.api.image.HistoryItem;
import dev.berth.daemon.api.image.ImageBackend;
import dev.berth.daemon.api.image.ImageInspect;
import dev.berth.daemon.api.image.ImageSearchResult;
import dev.berth.daemon.api.image.ImageSummary;
import dev.berth.daemon.api.image.ImportRequest;
import dev.berth.daemon.api.image.ProgressSink;
import dev.berth.daemon.api.image.PruneReport;
import dev.berth.daemon.api.system.Usage;
import dev.berth.daemon.api.system.UsageSource;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.image.ImageException;
import dev.berth.image.archive.ArchiveFormat;
import dev.berth.image.archive.ImageCommitter;
import dev.berth.image.archive.ImageImporter;
import dev.berth.image.archive.ImageLoader;
import dev.berth.image.archive.ImageSaver;
import dev.berth.image.archive.LayerHandler;
import dev.berth.image.snapshot.CopyingSnapshotter;
import dev.berth.image.snapshot.OverlaySnapshotter;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.image.layer.ChainId;
import dev.berth.image.archive.LoadResult;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.content.Lease;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.registry.AuthConfig;
import dev.berth.image.registry.CredentialProvider;
import dev.berth.image.registry.Credentials;
import dev.berth.image.registry.ProgressEvent;
import dev.berth.image.registry.ProgressListener;
import dev.berth.image.registry.LayerListener;
import dev.berth.image.registry.PullOptions;
import dev.berth.image.registry.PullResult;
import dev.berth.image.registry.PushOptions;
import dev.berth.image.registry.PushResult;
import dev.berth.image.registry.RegistryClient;
import dev.berth.image.registry.RegistryConfig;
import dev.berth.image.registry.RemoteRef;
import dev.berth.image.store.ImageRecord;
import dev.berth.image.store.Deletion;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageDeleter;
import dev.berth.image.store.ImageFilters;
import dev.berth.image.store.ImageLister;
import dev.berth.image.store.ImagePruner;
import dev.berth.image.store.ImageStore;
import dev.berth.image.store.ImageUsers;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.InvalidImageException;
import dev.berth.oci.image.Platform;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The daemon's images: the content store and image store under {@code <data-root>/image/},
 * served to the Image routes ({@link ImageBackend}) and to {@code /system/df}
 * ({@link UsageSource}), with an image event for every change (tag, untag, delete, import,
 * load, save, pull, push) as dockerd logs them. Pulls and pushes go through the daemon's
 * {@link RegistryClient}, with the credentials of the request's {@code X-Registry-Auth}.
 *
 * <p>Layers are unpacked into snapshots (see {@link LayerUnpacking}) by loads, imports and pulls,
 * before the image is registered. (Tests may pass {@link LayerHandler#NONE}.)
 */
public final class ImageService implements ImageBackend, UsageSource {
    private static final int MAX_CONFIG = 8 << 20;
    private static final String NEVER = "0001-01-01T00:00:00Z";
    private static final List<String> FILTER_NAMES =
            List.of("dangling", "label", "label!", "before", "since", "reference", "until");

    private final ImageStore store;
    private final ContentStore content;
    private final EventBus events;
    private final LayerHandler layers;
    private final RegistryClient registry;
    private volatile ImageUsers users = ImageUsers.NONE;

    ImageService(ImageStore store, EventBus events, LayerHandler layers, RegistryClient registry) {
        this.store = store;
        this.content = store.content();
        this.events = events;
        this.layers = layers;
        this.registry = registry;
    }

    /** Opens (creating if needed) the stores in {@code <dataRoot>/image}, with Docker's registry defaults. */
    public static ImageService open(Path dataRoot, EventBus events) throws ImageException {
        return open(dataRoot, events, new RegistryClient(RegistryConfig.defaults(), CredentialProvider.ANONYMOUS));
    }

    /** The same, pulling and pushing through {@code registry} (which the caller closes). */
    public static ImageService open(Path dataRoot, EventBus events, RegistryClient registry) throws ImageException {
        Path root = dataRoot.resolve("image");
        FileContentStore content = FileContentStore.open(root);
        // overlayfs where the kernel has it; a copying snapshotter passes the same contract elsewhere
        Path snapshotDir = root.resolve("snapshots");
        Snapshotter snapshots = OverlaySnapshotter.isSupported() ? OverlaySnapshotter.open(snapshotDir)
                : CopyingSnapshotter.open(snapshotDir);
        return new ImageService(ImageStore.open(root, content, snapshots), events,
                new LayerUnpacking(content, snapshots), registry);
    }

    // ---- for containers

    /**
     * What a container is made from: its image's id and config, and the snapshot of the image's
     * top layer, on which the container's writable layer is prepared (null for an image without
     * layers).
     */
    public record ContainerBase(Digest imageId, ImageConfig config, String topLayer, Snapshotter snapshots) {}

    /** Who uses which image: the containers, so that {@code docker rmi} refuses as dockerd does. */
    public void setImageUsers(ImageUsers users) {
        this.users = users;
    }

    /** The snapshotter of the images' layers, which containers' writable layers share. */
    public Snapshotter snapshots() {
        return store.snapshots();
    }

    /** The base for a container of image {@code name}; 404 {@code No such image: …} if there is none. */
    public ContainerBase containerBase(String name) {
        Image image = resolve(name);
        ImageConfig config = config(image);
        List<Digest> chain = ChainId.of(config.diffIds());
        if (store.snapshots() == null) {
            throw new ApiException(ErrorKind.UNAVAILABLE, "image " + name + ": this daemon has no snapshotter");
        }
        return new ContainerBase(image.id(), config, chain.isEmpty() ? null : chain.getLast().toString(),
                store.snapshots());
    }

    /**
     * What {@code POST /commit} makes an image from, besides the layer: the container's image,
     * the config (the container's, with the request's overrides), the {@code --change}
     * instructions, the name, and the history's command, author and comment.
     */
    public record CommitRequest(String parentImageId, ImageConfig.Config config, List<String> changes, String repo,
            String tag, String createdBy, String author, String comment) {}

    /** {@code docker commit}'s image half (see {@link ImageCommits}); returns the new image's id. */
    public String commit(CommitRequest request, ImageCommitter.LayerSource layer) {
        return new ImageCommits(store, layers, events).commit(request, layer);
    }

    // ---- reading

    @Override
    public List<ImageSummary> list(Filters filters, boolean all) {
        List<Image> images = ImageErrors.call(() -> new ImageLister(store).list(imageFilters(filters)));
        return images.stream().map(this::summary).toList();
    }

    @Override
    public ImageInspect inspect(String name) {
        Image image = resolve(name);
        ImageConfig config = config(image);
        List<String> layerIds = config.diffIds().stream().map(Digest::toString).toList();
        String lastTag = image.record().lastTagTime() == null ? NEVER : image.record().lastTagTime().toString();
        return new ImageInspect(image.id().toString(), familiar(image.tags()), familiar(image.digests()), "",
                orEmpty(config.comment()), config.created(), config.author(),
                config.config() != null ? config.config() : ImageConfig.Config.empty(),
                orEmpty(config.architecture()), config.variant(), orEmpty(config.os()), config.osVersion(),
                size(image), new ImageInspect.GraphDriver("overlay2", Map.of()),
                new ImageInspect.RootFs("layers", layerIds), new ImageInspect.Metadata(lastTag));
    }

    @Override
    public List<HistoryItem> history(String name) {
        Image image = resolve(name);
        ImageConfig config = config(image);
        List<ImageConfig.History> steps = config.history() == null ? List.of() : config.history();
        List<HistoryItem> out = new ArrayList<>();
        // Docker shows each layer's unpacked size; the blob's stands in for a layer not unpacked.
        List<Long> unpacked = ImageErrors.call(() -> store.layerSizes(image.id()));
        int layer = 0;
        for (ImageConfig.History h : steps) {
            long size = 0;
            if (!h.isEmptyLayer() && layer < image.record().layers().size()) {
                Long known = layer < unpacked.size() ? unpacked.get(layer) : null;
                size = known != null ? known : blobSize(image.record().layers().get(layer));
                layer++;
            }
            out.addFirst(new HistoryItem("<missing>", seconds(h.created()), orEmpty(h.createdBy()), null, size,
                    orEmpty(h.comment())));
        }
        if (out.isEmpty()) {
            out.add(new HistoryItem("<missing>", 0, "", null, size(image), ""));
        }
        HistoryItem top = out.getFirst();
        out.set(0, new HistoryItem(image.id().toString(), top.created(), top.createdBy(), familiar(image.tags()),
                top.size(), top.comment()));
        return out;
    }

    // ---- changing

    @Override
    public void tag(String name, String repo, String tag) {
        Image image = resolve(name);
        ImageReference ref = ImageErrors.call(() -> {
            ImageReference r = ImageReference.parse(repo);
            if (r.digest() != null) {
                throw ImageException.invalid("refusing to create a tag with a digest reference");
            }
            if (!tag.isEmpty()) {
                if (!ImageReference.isValidTag(tag)) {
                    throw ImageException.invalid("invalid tag format");
                }
                r = r.withTag(tag);
            }
            r = r.withDefaultTag();
            store.tag(image.id(), r);
            return r;
        });
        events.publish(EventType.IMAGE, "tag", image.id().toString(), Map.of("name", ref.familiar()));
    }

    @Override
    public List<DeleteItem> delete(String name, boolean force, boolean noPrune) {
        Image image = resolve(name);
        List<Deletion> done = ImageErrors.call(() -> new ImageDeleter(store, users).delete(name, force));
        collectGarbage();
        return report(done, Map.of(), image.id());
    }

    @Override
    public String importTarball(InputStream tarball, ImportRequest request) {
        ImageConfig.Config config = request.changes().isEmpty() ? null : ImportChanges.apply(request.changes());
        Platform platform = platform(request.platform());
        Image image = ImageErrors.call(() -> {
            ImageReference name = null;
            if (!request.repo().isEmpty()) {
                name = ImageReference.parse(request.repo());
                if (!request.tag().isEmpty()) {
                    name = name.withTag(request.tag());
                }
                name = name.withDefaultTag();
            }
            String message = request.message().isEmpty() ? null : request.message();
            return new ImageImporter(store).importTarball(tarball,
                    new ImageImporter.Options(name, message, config, platform), layers);
        });
        String id = image.id().toString();
        for (ImageReference tag : image.tags()) {
            events.publish(EventType.IMAGE, "tag", id, Map.of("name", tag.familiar()));
        }
        events.publish(EventType.IMAGE, "import", id, Map.of("name", id));
        return id;
    }

    @Override
    public List<String> load(InputStream archive) {
        LoadResult result = ImageErrors.call(() -> new ImageLoader(store).load(archive, layers));
        for (LoadResult.Loaded loaded : result.images()) {
            String id = loaded.image().id().toString();
            if (loaded.names().isEmpty()) {
                events.publish(EventType.IMAGE, "load", id, Map.of("name", id));
            }
            for (ImageReference name : loaded.names()) {
                events.publish(EventType.IMAGE, "load", id, Map.of("name", name.withDefaultTag().familiar()));
            }
        }
        return result.messages();
    }

    @Override
    public void checkSavable(List<String> names) {
        for (String name : names) {
            try {
                store.resolve(name);
            } catch (ImageException e) {
                // "busybox" saves every busybox tag, even when busybox:latest does not exist.
                boolean repository = e.kind() == ImageException.Kind.NOT_FOUND && ImageErrors.call(() -> {
                    ImageReference ref = ImageReference.parse(name);
                    return ref.isNameOnly() && !store.referencesByName(ref).isEmpty();
                });
                if (!repository) {
                    throw ImageErrors.api(e);
                }
            }
        }
    }

    @Override
    public void save(List<String> names, OutputStream out) {
        ImageErrors.call(() -> {
            new ImageSaver(store).save(names, ArchiveFormat.DOCKER, out);
            return null;
        });
        Set<String> ids = new HashSet<>();
        for (String name : names) {
            try {
                ids.add(store.resolve(name).id().toString());
            } catch (ImageException e) {
                // a whole repository was saved: its tags' images are named by the repository
            }
        }
        for (String id : ids) {
            events.publish(EventType.IMAGE, "save", id, Map.of("name", id));
        }
    }

    // ---- registries

    @Override
    public void pull(String reference, String platformText, String registryAuth, ProgressSink sink) {
        Platform platform = platform(platformText == null ? "" : platformText);
        Credentials credentials = credentials(registryAuth);
        ImageReference ref = ImageErrors.call(() -> {
            ImageReference r = ImageReference.parse(reference);
            return r.digest() == null ? r.withDefaultTag() : r;
        });
        RemoteRef remote = RemoteRef.of(ref);
        Optional<Digest> before = store.lookup(ref);
        HeldBack progress = new HeldBack(sink);
        Lease lease = content.lease();
        boolean registered = false;
        Image image;
        try {
            // layers unpack while they download; unpackImage below does what that left out
            LayerListener unpackNow = layers instanceof LayerUnpacking unpacking ? unpacking.whilePulling()
                    : LayerListener.NONE;
            PullResult result = registryCall(() -> registry.pull(remote, content, PullOptions.defaults()
                    .withPlatform(platform).withCredentials(credentials).withLease(lease).withProgress(progress)
                    .withLayers(unpackNow)));
            List<ImageReference> names = new ArrayList<>();
            if (ref.digest() == null) {
                names.add(ref);
            }
            names.add(ref.withoutTag().withDigest(result.root().digest()));
            ImageConfig config = result.config();
            if (layers instanceof LayerUnpacking unpacking) {
                ImageErrors.call(() -> {
                    unpacking.unpackImage(result.parsed(), config);
                    return null;
                });
            }
            ImageRecord record = new ImageRecord(result.imageId(), result.root(), result.manifest().digest(),
                    result.parsed().layers().stream().map(Descriptor::digest).toList(), config.createdInstant(),
                    config.labels(), null);
            image = ImageErrors.call(() -> store.put(record, names).image());
            registered = true;
            boolean upToDate = before.isPresent() && before.get().equals(image.id());
            progress.onProgress(upToDate ? ProgressEvent.upToDate(ref.familiar())
                    : ProgressEvent.downloadedNewer(ref.familiar()));
        } finally {
            // A failed pull takes with it every blob it stored and every snapshot it committed,
            // also the layers that were whole, verified and unpacked before another one failed:
            // no image names them, and as dockerd releases the layers of a failed pull, nothing
            // of it stays behind (RegistryFailureIT). Two things wait: a blob cut off
            // mid-download stays as an ingest under its digest, never as content, for the next
            // pull to resume; and while another pull, load or import holds a lease, the snapshots
            // are left to the next collection (SnapshotCollector), which that one may still use.
            Set<Digest> leased = Set.copyOf(lease.digests());
            lease.close();
            if (!registered && !leased.isEmpty()) {
                try {
                    store.collectGarbage(leased);
                } catch (ImageException e) {
                    // Unreferenced blobs go at the next collection.
                }
            }
        }
        // dockerd logs only the pull, not the tag it set
        events.publish(EventType.IMAGE, "pull", ref.familiar(), Map.of("name", ref.familiar()));
    }

    @Override
    public List<ImageSearchResult> search(String term, int limit, Filters filters, String registryAuth) {
        return new ImageSearch(registry).search(term, limit, filters, credentials(registryAuth));
    }

    @Override
    public void push(String name, String tag, String registryAuth, ProgressSink sink) {
        Credentials credentials = credentials(registryAuth);
        ImageReference repo = ImageErrors.call(() -> ImageReference.parse(name));
        List<ImageReference> targets = new ArrayList<>();
        if (repo.digest() != null) {
            throw ApiException.invalid("cannot push a digest reference");
        }
        if (!tag.isEmpty()) {
            targets.add(repo.withTag(tag));
        } else if (repo.tag() != null) {
            targets.add(repo);
        } else {
            // docker push --all-tags: every tag of the repository
            store.referencesByName(repo).keySet().stream().filter(r -> r.tag() != null && r.digest() == null)
                    .sorted(java.util.Comparator.comparing(ImageReference::tag)).forEach(targets::add);
            if (targets.isEmpty()) {
                throw ApiException.notFound("An image does not exist locally with the tag: " + repo.familiarName());
            }
        }
        List<Image> images = new ArrayList<>();
        for (ImageReference target : targets) {
            Optional<Digest> id = store.lookup(target);
            Optional<Image> image = id.flatMap(store::get);
            if (image.isEmpty()) {
                throw ApiException.notFound("An image does not exist locally with the tag: " + target.familiarName());
            }
            images.add(image.get());
        }
        ProgressListener progress = event -> sink.send(event);
        for (int i = 0; i < targets.size(); i++) {
            ImageReference target = targets.get(i);
            Image image = images.get(i);
            Descriptor root = image.record().target();
            PushResult result = registryCall(() -> registry.push(RemoteRef.of(target), root, content,
                    PushOptions.defaults().withCredentials(credentials).withProgress(progress)));
            ImageReference digested = target.withoutTag().withDigest(result.root().digest());
            try {
                store.tag(image.id(), digested);
            } catch (ImageException e) {
                // The push is done; the repo digest is only a record of it.
            }
            events.publish(EventType.IMAGE, "push", target.familiar(), Map.of("name", target.familiar()));
        }
    }

    @Override
    public String login(byte[] authConfig) {
        AuthConfig auth = ImageErrors.call(() -> {
            try {
                // The body is the same AuthConfig JSON as X-Registry-Auth carries, without the base64.
                return AuthConfig.decodeHeader(java.util.Base64.getUrlEncoder().encodeToString(authConfig));
            } catch (ImageException e) {
                throw ImageException.invalid(e.getMessage().replace("invalid X-Registry-Auth header",
                        "invalid authentication configuration"), e);
            }
        });
        String registryHost = loginHost(auth.serverAddress());
        registryCall(() -> {
            registry.login(registryHost, auth.credentials());
            return null;
        });
        return "Login Succeeded";
    }

    /** {@code https://index.docker.io/v1/}, {@code localhost:5000}, {@code http://h:1/}: the host[:port] to log in to. */
    static String loginHost(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) {
            return RemoteRef.DOCKER_HUB;
        }
        String s = serverAddress.strip();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        if (s.equals("index.docker.io") || s.equals("registry-1.docker.io") || s.isEmpty()) {
            return RemoteRef.DOCKER_HUB;
        }
        return s;
    }

    /** A registry call: an interrupt (the client went away, the daemon stops) ends it. */
    static <T> T registryCall(RegistryCall<T> call) {
        try {
            return call.run();
        } catch (ImageException e) {
            throw ImageErrors.api(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(dev.berth.daemon.http.ErrorKind.UNAVAILABLE, "interrupted", e);
        }
    }

    @FunctionalInterface
    interface RegistryCall<T> {
        T run() throws ImageException, InterruptedException;
    }

    private static Credentials credentials(String registryAuth) {
        if (registryAuth == null || registryAuth.isBlank()) {
            return null;
        }
        Credentials c = ImageErrors.call(() -> AuthConfig.decodeHeader(registryAuth).credentials());
        return c.isAnonymous() ? null : c;
    }

    /**
     * Progress to the client, holding back the pull's first line ({@code v1: Pulling from …})
     * until something follows it: dockerd says it only once the manifest is found, so that a
     * missing tag is an error status ({@code Error response from daemon: manifest for … not
     * found}) rather than an error in the stream.
     */
    private static final class HeldBack implements ProgressListener {
        private final ProgressSink sink;
        private ProgressEvent held;
        private boolean first = true;

        HeldBack(ProgressSink sink) {
            this.sink = sink;
        }

        @Override
        public synchronized void onProgress(ProgressEvent event) {
            if (first) {
                first = false;
                held = event;
                return;
            }
            if (held != null) {
                ProgressEvent h = held;
                held = null;
                sink.send(h);
            }
            sink.send(event);
        }
    }

    @Override
    public PruneReport prune(Filters filters) {
        Map<ImageReference, Digest> owners = new HashMap<>();
        for (Image image : store.all()) {
            image.tags().forEach(t -> owners.put(t, image.id()));
            image.digests().forEach(d -> owners.put(d, image.id()));
        }
        ImagePruner.Report report = ImageErrors.call(
                () -> new ImagePruner(store, ImageUsers.NONE).prune(imageFilters(filters)));
        List<DeleteItem> items = report(report.deleted(), owners, null);
        return new PruneReport(items.isEmpty() ? null : items, report.spaceReclaimed());
    }

    // ---- usage

    @Override
    public long count() {
        return store.all().size();
    }

    @Override
    public Usage usage(boolean withItems) {
        List<Image> images = store.all();
        Long unpacked = ImageErrors.call(store::layersSize);
        long total = 0;
        if (unpacked != null) {
            total = unpacked;
        } else {
            Set<Digest> blobs = new HashSet<>();
            for (Image image : images) {
                blobs.addAll(image.record().layers());
            }
            for (Digest blob : blobs) {
                total += blobSize(blob);
            }
        }
        List<ImageSummary> items = withItems ? images.stream().map(i -> {
            ImageSummary s = summary(i);
            return new ImageSummary(s.id(), s.parentId(), s.repoTags(), s.repoDigests(), s.created(), s.size(), 0,
                    null, s.labels(), 0);
        }).toList() : List.of();
        return new Usage(0, images.size(), total, total, items);
    }

    // ---- helpers

    /** The untag and delete lines and their events; {@code owners} names the images of removed references. */
    private List<DeleteItem> report(List<Deletion> done, Map<ImageReference, Digest> owners, Digest image) {
        List<DeleteItem> items = new ArrayList<>();
        for (Deletion d : done) {
            switch (d) {
                case Deletion.Untagged u -> {
                    items.add(DeleteItem.untagged(u.reference().familiar()));
                    Digest owner = image != null ? image : owners.get(u.reference());
                    events.publish(EventType.IMAGE, "untag", owner == null ? u.reference().familiar()
                            : owner.toString(), Map.of("name", u.reference().familiar()));
                }
                case Deletion.Deleted del -> {
                    items.add(DeleteItem.deleted(del.id().toString()));
                    events.publish(EventType.IMAGE, "delete", del.id().toString(),
                            Map.of("name", del.id().toString()));
                }
            }
        }
        return items;
    }

    private void collectGarbage() {
        try {
            store.collectGarbage();
        } catch (ImageException e) {
            // Unreferenced blobs stay until the next collection; the delete itself is done.
        }
    }

    private Image resolve(String name) {
        return ImageErrors.call(() -> store.resolve(name));
    }

    private ImageConfig config(Image image) {
        return ImageErrors.call(() -> {
            try {
                return ImageJson.readConfig(content.read(image.id(), MAX_CONFIG), "image " + image.id());
            } catch (InvalidImageException e) {
                throw ImageException.internal("image " + image.id() + ": config: " + e.getMessage(), e);
            }
        });
    }

    private ImageSummary summary(Image image) {
        long created = image.record().created() == null ? 0 : image.record().created().getEpochSecond();
        return new ImageSummary(image.id().toString(), "", familiar(image.tags()), familiar(image.digests()),
                created, size(image), -1, null, image.record().labels(), -1);
    }

    /**
     * The image's size as Docker means it: its unpacked layers, recorded when it was registered;
     * the layer blobs as stored where it is not known (layers not unpacked).
     */
    private long size(Image image) {
        if (image.record().size() != null) {
            return image.record().size();
        }
        long total = 0;
        for (Digest layer : image.record().layers()) {
            total += blobSize(layer);
        }
        return total;
    }

    private long blobSize(Digest blob) {
        try {
            return content.info(blob).map(BlobInfo::size).orElse(0L);
        } catch (ImageException e) {
            return 0;
        }
    }

    private static ImageFilters imageFilters(Filters filters) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String name : FILTER_NAMES) {
            if (filters.contains(name)) {
                values.put(name, List.copyOf(filters.get(name)));
            }
        }
        return new ImageFilters(values);
    }

    private static Platform platform(String text) {
        if (text.isEmpty()) {
            return null;
        }
        String[] parts = text.split("/");
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw ApiException.invalid("invalid platform " + text + ": expected os/arch[/variant]");
        }
        return new Platform(parts[1], parts[0], null, null, parts.length == 3 ? parts[2] : null, null);
    }

    private static List<String> familiar(List<ImageReference> refs) {
        return refs.stream().map(ImageReference::familiar).toList();
    }

    private static long seconds(String time) {
        if (time == null || time.isEmpty()) {
            return 0;
        }
        try {
            return java.time.Instant.parse(time).getEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
