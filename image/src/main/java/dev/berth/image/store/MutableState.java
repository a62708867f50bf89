package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A working copy of the store's state inside one {@link ImageStore#update}: changes made here
 * become visible (and durable) together, or not at all if the change throws.
 */
final class MutableState {
    private final Snapshot before;
    private final Clock clock;
    private final Map<Digest, ImageRecord> images;
    private final Map<ImageReference, Digest> references;

    MutableState(Snapshot before, Clock clock) {
        this.before = before;
        this.clock = clock;
        this.images = new LinkedHashMap<>(before.records());
        this.references = new LinkedHashMap<>(before.references());
    }

    Map<Digest, ImageRecord> images() {
        return images;
    }

    /** Names to images; tags carry their tag, digests no tag. Change through the methods below. */
    Map<ImageReference, Digest> references() {
        return java.util.Collections.unmodifiableMap(references);
    }

    boolean changed() {
        return !images.equals(before.records()) || !references.equals(before.references());
    }

    Snapshot toSnapshot() throws ImageException {
        Map<String, Digest> keyed = new LinkedHashMap<>();
        references.forEach((ref, id) -> keyed.put(Snapshot.key(ref), id));
        return Snapshot.of(StoreState.of(images, keyed));
    }

    /** A view of the image as it is in this working copy. */
    Image view(Digest id) {
        return Snapshot.view(images.get(id), references);
    }

    /** The names pointing at {@code id} in this working copy, sorted. */
    List<ImageReference> referencesTo(Digest id) {
        return references.entrySet().stream()
                .filter(e -> e.getValue().equals(id))
                .map(Map.Entry::getKey)
                .sorted(java.util.Comparator.comparing(ImageReference::toString))
                .toList();
    }

    /**
     * Points {@code name} at {@code id} following Docker's reference store: tags move (the
     * previous image is returned), digests never move, and neither tag-plus-digest nor a name
     * that looks like a digest algorithm can be created.
     */
    Optional<Digest> addReference(ImageReference name, Digest id) throws ImageException {
        if (name.familiarName().equals(Digest.SHA256)) {
            throw ImageException.invalid("refusing to create an ambiguous tag using digest algorithm as name");
        }
        if (name.digest() != null) {
            if (name.tag() != null) {
                throw ImageException.invalid("refusing to create a tag with a digest reference");
            }
            Digest existing = references.get(name);
            if (existing != null && !existing.equals(id)) {
                throw ImageException.conflict("Cannot overwrite digest " + name.digest());
            }
            references.put(name, id);
            return Optional.empty();
        }
        ImageReference tagged = name.withDefaultTag();
        Digest previous = references.put(tagged, id);
        ImageRecord record = images.get(id);
        images.put(id, record.tagged(clock.instant()));
        return previous == null || previous.equals(id) ? Optional.empty() : Optional.of(previous);
    }

    /** Removes a name (normalized as looked up); returns whether it existed. */
    boolean removeReference(ImageReference name) {
        ImageReference normal = name.digest() != null ? name.withoutTag() : name.withDefaultTag();
        return references.remove(normal) != null;
    }

    /** Whether an image has no names and no child images (Berth records no parents yet). */
    boolean isDangling(Digest id) {
        return referencesTo(id).isEmpty();
    }
}
