package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.DurableFiles;
import dev.berth.image.layer.ChainId;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.InvalidImageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The images Berth has and the names they go by, persisted under {@code <root>/images/}.
 * Images are keyed by Docker's image ID (the config digest); names are tags
 * ({@code docker.io/library/busybox:latest}) and repository digests ({@code …@sha256:…}),
 * each pointing at one image. Blobs live in the {@link ContentStore}; this store only says
 * which of them make up which image, and {@link #collectGarbage()} removes the rest.
 *
 * <p>Every change is applied to a copy of the state, written as one file (temp file, fsync,
 * rename, fsync of the directory) and only then made current, so a crash at any point leaves
 * the previous or the new state, and a failed write leaves the store as it was. Reads see an
 * immutable snapshot. The verbs with Docker's rules live in their own classes:
 * {@link ImageDeleter} ({@code docker rmi}), {@link ImageLister} ({@code docker images}) and
 * {@link ImagePruner} ({@code docker image prune}).
 */
public final class ImageStore {
    static final String FILE_NAME = "images.json";

    private static final int MAX_CONFIG = 8 << 20;

    private final Path dir;
    private final ContentStore content;
    private final Snapshotter snapshots;
    private final Clock clock;
    private volatile Snapshot current;

    private ImageStore(Path dir, ContentStore content, Snapshotter snapshots, Clock clock, Snapshot initial) {
        this.dir = dir;
        this.content = content;
        this.snapshots = snapshots;
        this.clock = clock;
        this.current = initial;
    }

    /** Opens (creating if needed) the store in {@code <dataRoot>/images}, for images that are not unpacked. */
    public static ImageStore open(Path dataRoot, ContentStore content) throws ImageException {
        return open(dataRoot, content, null, Clock.systemUTC());
    }

    /**
     * Opens the store for images whose layers are unpacked into {@code snapshots}, named by chain
     * ID: images get their unpacked size when registered, and {@link #collectGarbage()} removes
     * the layer snapshots that no image uses any more.
     */
    public static ImageStore open(Path dataRoot, ContentStore content, Snapshotter snapshots) throws ImageException {
        return open(dataRoot, content, snapshots, Clock.systemUTC());
    }

    static ImageStore open(Path dataRoot, ContentStore content, Clock clock) throws ImageException {
        return open(dataRoot, content, null, clock);
    }

    static ImageStore open(Path dataRoot, ContentStore content, Snapshotter snapshots, Clock clock)
            throws ImageException {
        Path dir = dataRoot.resolve("images");
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            deleteTornTempFiles(dir);
            StoreState state;
            try {
                state = StoreJson.read(Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                state = StoreState.empty();
            }
            ImageStore store = new ImageStore(dir, content, snapshots, clock, null);
            store.current = Snapshot.of(store.withSizes(state));
            return store;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // Renames make a torn file impossible; this is damage from outside. Say so, do not guess.
            throw ImageException.internal("image store " + file + ": unreadable: "
                    + e.getOriginalMessage().toLowerCase(Locale.ROOT), e);
        } catch (IOException e) {
            throw ImageException.io("open image store " + dir, e);
        } catch (ImageException e) {
            throw ImageException.internal("image store " + file + ": " + e.getMessage(), e);
        }
    }

    /** A crash between writing and renaming leaves a temp file: it was never the state. */
    private static void deleteTornTempFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, DurableFiles.TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** The snapshotter the images' layers are unpacked into; null for a store without one. */
    public Snapshotter snapshots() {
        return snapshots;
    }

    public ContentStore content() {
        return content;
    }

    Clock clock() {
        return clock;
    }

    /** The current state; immutable, so a caller may look at it while others change the store. */
    Snapshot snapshot() {
        return current;
    }

    // ---- reading

    public Optional<Image> get(Digest id) {
        return current.image(id);
    }

    /** Every image, newest first. */
    public List<Image> all() {
        return current.images();
    }

    /** The image a name points at: tags get {@code :latest} if bare, as Docker looks them up. */
    public Optional<Digest> lookup(ImageReference reference) {
        return current.lookup(reference);
    }

    /**
     * Finds an image as Docker's {@code GetImage} does: a full or {@code sha256:}-prefixed ID,
     * then a name, then a unique ID prefix. {@code NOT_FOUND} says {@code No such image:
     * busybox:latest} in Docker's words; a malformed name is {@code INVALID_ARGUMENT}.
     */
    public Image resolve(String refOrId) throws ImageException {
        return current.resolve(refOrId);
    }

    /** Every tag and digest reference with the same name as {@code name} ({@code docker save busybox}). */
    public Map<ImageReference, Digest> referencesByName(ImageReference name) {
        Map<ImageReference, Digest> found = new LinkedHashMap<>();
        current.references().forEach((ref, id) -> {
            if (ref.name().equals(name.name())) {
                found.put(ref, id);
            }
        });
        return found;
    }

    // ---- changing

    /**
     * Registers an image (or refreshes one with the same ID) and points {@code names} at it.
     * Tags move from whatever image had them, as {@code docker load} and {@code docker pull} move
     * them; a repository digest cannot be moved. Every blob the image needs must be present.
     * Returns the images that lost a tag to this one (so {@code docker load} can say so).
     */
    public PutResult put(ImageRecord record, List<ImageReference> names) throws ImageException {
        for (Digest blob : record.blobs()) {
            if (!content.exists(blob)) {
                throw ImageException.invalid("image " + record.id() + ": blob " + blob + " is missing");
            }
        }
        ImageRecord sized = record.size() != null ? record : record.withSize(unpackedSize(record.id()));
        return update(state -> {
            state.images().merge(sized.id(), sized, ImageRecord::replacedBy);
            List<Retagged> moved = new ArrayList<>();
            for (ImageReference name : names) {
                Optional<Digest> previous = state.addReference(name, record.id());
                previous.ifPresent(old -> moved.add(new Retagged(name.withDefaultTag(), old)));
            }
            return new PutResult(state.view(sized.id()), moved);
        });
    }

    /** What {@link #put} did: the image, and tags it took from other images. */
    public record PutResult(Image image, List<Retagged> retagged) {}

    /** A tag that moved to another image; {@code previous} may now be dangling. */
    public record Retagged(ImageReference reference, Digest previous) {}

    /**
     * Points a name at an image ({@code docker tag}). A bare name gets {@code :latest}. Returns
     * the image the tag was taken from, if it moved.
     */
    public Optional<Digest> tag(Digest id, ImageReference name) throws ImageException {
        return update(state -> {
            if (!state.images().containsKey(id)) {
                throw ImageException.notFound("No such image: " + id);
            }
            return state.addReference(name, id);
        });
    }

    /** Removes a name; false if it did not exist. The image stays, perhaps dangling. */
    public boolean untag(ImageReference name) throws ImageException {
        return update(state -> state.removeReference(name));
    }

    /** Runs a change on a copy of the state, persists it, then makes it current. */
    synchronized <T> T update(Change<T> change) throws ImageException {
        Snapshot before = current;
        MutableState state = new MutableState(before, clock);
        T result = change.apply(state);
        if (state.changed()) {
            Snapshot after = state.toSnapshot();
            try {
                DurableFiles.writeAtomically(dir.resolve(FILE_NAME), StoreJson.write(after.state()));
            } catch (IOException e) {
                throw ImageException.io("write image store " + dir, e);
            }
            current = after;
        }
        return result;
    }

    /** A change of the store's state, run under the store's lock. */
    @FunctionalInterface
    interface Change<T> {
        T apply(MutableState state) throws ImageException;
    }

    // ---- garbage

    /** The blobs some image needs. */
    public Set<Digest> referencedBlobs() {
        Set<Digest> all = new HashSet<>();
        for (ImageRecord record : current.records().values()) {
            all.addAll(record.blobs());
        }
        return all;
    }

    /**
     * Deletes every blob no image references and no lease protects, and the layer snapshots no
     * image uses ({@link SnapshotCollector}); returns the blobs it deleted. The referenced set is
     * taken inside the content store's sweep, after every commit that started before it, so a
     * concurrent pull or load loses nothing.
     */
    public List<BlobInfo> collectGarbage() throws ImageException {
        List<BlobInfo> blobs = content.sweep(this::referencedBlobs);
        if (snapshots != null) {
            new SnapshotCollector(this, snapshots).collect();
        }
        return blobs;
    }

    /**
     * Deletes those of {@code candidates} that no image references and no lease protects, and the
     * layer snapshots no image uses: the clean-up of an operation that failed after committing
     * blobs or unpacking layers.
     */
    public List<BlobInfo> collectGarbage(Collection<Digest> candidates) throws ImageException {
        List<BlobInfo> blobs = content.sweep(candidates, this::referencedBlobs);
        if (snapshots != null) {
            // the lower layers it unpacked before failing belong to no image either
            new SnapshotCollector(this, snapshots).collect();
        }
        return blobs;
    }

    // ---- layers

    /** The diffIDs of the image {@code id}, base first, from its config. */
    List<Digest> diffIds(Digest id) throws ImageException {
        try {
            return ImageJson.readConfig(content.read(id, MAX_CONFIG), "image " + id).diffIds();
        } catch (InvalidImageException e) {
            throw ImageException.internal("image " + id + ": config: " + e.getMessage(), e);
        }
    }

    /**
     * The bytes the image's unpacked layers take, from the usage each snapshot recorded at commit
     * (as Docker sums its layers' diff sizes); null without snapshots or if a layer is not unpacked.
     */
    private Long unpackedSize(Digest id) throws ImageException {
        if (snapshots == null) {
            return null;
        }
        long total = 0;
        for (Digest chainId : ChainId.of(diffIds(id))) {
            Long size = usage(chainId);
            if (size == null) {
                return null;
            }
            total += size;
        }
        return total;
    }

    /**
     * Each layer's unpacked size, base first, as {@code docker history} shows them: what its
     * snapshot recorded at commit; null for a layer that is not unpacked.
     */
    public List<Long> layerSizes(Digest id) throws ImageException {
        List<Long> sizes = new ArrayList<>();
        for (Digest chainId : ChainId.of(diffIds(id))) {
            sizes.add(snapshots == null ? null : usage(chainId));
        }
        return sizes;
    }

    /**
     * The bytes every unpacked layer takes, a layer shared by images counted once ({@code docker
     * system df}'s {@code LayersSize}); null without snapshots.
     */
    public Long layersSize() throws ImageException {
        if (snapshots == null) {
            return null;
        }
        Set<Digest> chainIds = new HashSet<>();
        for (ImageRecord record : current.records().values()) {
            chainIds.addAll(ChainId.of(diffIds(record.id())));
        }
        long total = 0;
        for (Digest chainId : chainIds) {
            Long size = usage(chainId);
            total += size == null ? 0 : size;
        }
        return total;
    }

    /** The size the layer snapshot {@code chainId} recorded at commit; null if it is not unpacked. */
    private Long usage(Digest chainId) throws ImageException {
        try {
            return snapshots.usage(chainId.toString()).size();
        } catch (ImageException e) {
            if (e.kind() == ImageException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** {@code state} with the sizes that a store written before sizes were recorded lacks. */
    private StoreState withSizes(StoreState state) {
        if (snapshots == null || state.images().stream().allMatch(r -> r.size() != null)) {
            return state;
        }
        List<ImageRecord> images = new ArrayList<>();
        for (ImageRecord r : state.images()) {
            Long size = r.size();
            if (size == null) {
                try {
                    size = unpackedSize(r.id());
                } catch (ImageException e) {
                    // an unreadable config: the image shows no size rather than the store not opening
                }
            }
            images.add(r.withSize(size));
        }
        return new StoreState(state.version(), images, state.references());
    }

    /** The images newest first, for listings. */
    static final Comparator<Image> NEWEST_FIRST = Comparator.comparing(
            (Image image) -> image.record().created(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .reversed().thenComparing(Image::id);
}
