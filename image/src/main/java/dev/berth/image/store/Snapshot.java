package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One immutable state of the image store, with the lookups Docker's daemon does on it. Names are
 * kept in their full normalized form; a tag reference always carries its tag, a digest reference
 * never does.
 */
final class Snapshot {
    private static final Pattern FULL_ID = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern ID_PREFIX = Pattern.compile("(?:sha256:)?([a-f0-9]+)");
    private static final Set<String> ID_ALGORITHMS = Set.of(Digest.SHA256, Digest.SHA384, Digest.SHA512);

    private final StoreState state;
    private final Map<Digest, ImageRecord> records;
    private final Map<ImageReference, Digest> references;

    private Snapshot(StoreState state, Map<Digest, ImageRecord> records, Map<ImageReference, Digest> references) {
        this.state = state;
        this.records = Collections.unmodifiableMap(records);
        this.references = Collections.unmodifiableMap(references);
    }

    static Snapshot of(StoreState state) throws ImageException {
        Map<ImageReference, Digest> references = new LinkedHashMap<>();
        for (Map.Entry<String, Digest> entry : state.references().entrySet()) {
            references.put(ImageReference.parse(entry.getKey()), entry.getValue());
        }
        return new Snapshot(state, state.imageMap(), references);
    }

    /** The key a name is stored under: {@code docker.io/library/busybox:latest} or {@code …@sha256:…}. */
    static String key(ImageReference name) {
        return name.digest() != null ? name.withoutTag().toString() : name.withDefaultTag().toString();
    }

    StoreState state() {
        return state;
    }

    Map<Digest, ImageRecord> records() {
        return records;
    }

    Map<ImageReference, Digest> references() {
        return references;
    }

    Optional<Digest> lookup(ImageReference name) {
        ImageReference normal = name.digest() != null ? name.withoutTag() : name.withDefaultTag();
        return Optional.ofNullable(references.get(normal));
    }

    Optional<Image> image(Digest id) {
        ImageRecord record = records.get(id);
        return record == null ? Optional.empty() : Optional.of(view(record, references));
    }

    List<Image> images() {
        List<Image> all = new ArrayList<>();
        for (ImageRecord record : records.values()) {
            all.add(view(record, references));
        }
        all.sort(ImageStore.NEWEST_FIRST);
        return all;
    }

    /** The names pointing at {@code id}, tags and digests, in name order. */
    List<ImageReference> referencesTo(Digest id) {
        List<ImageReference> names = new ArrayList<>();
        references.forEach((ref, target) -> {
            if (target.equals(id)) {
                names.add(ref);
            }
        });
        names.sort(java.util.Comparator.comparing(ImageReference::toString));
        return names;
    }

    static Image view(ImageRecord record, Map<ImageReference, Digest> references) {
        List<ImageReference> tags = new ArrayList<>();
        List<ImageReference> digests = new ArrayList<>();
        references.forEach((ref, id) -> {
            if (id.equals(record.id())) {
                (ref.digest() != null ? digests : tags).add(ref);
            }
        });
        tags.sort(java.util.Comparator.comparing(ImageReference::toString));
        digests.sort(java.util.Comparator.comparing(ImageReference::toString));
        return new Image(record, tags, digests);
    }

    /** Docker's {@code GetImage}: by ID, by name, then by unique ID prefix. */
    Image resolve(String refOrId) throws ImageException {
        if (FULL_ID.matcher(refOrId).matches()) {
            return byId(Digest.sha256(refOrId), refOrId);
        }
        int colon = refOrId.indexOf(':');
        if (colon > 0 && ID_ALGORITHMS.contains(refOrId.substring(0, colon)) && Digest.isValid(refOrId)) {
            return byId(Digest.parse(refOrId), refOrId);
        }
        ImageReference name = ImageReference.parse(refOrId);
        Optional<Digest> id = lookup(name);
        if (id.isPresent() && records.containsKey(id.get())) {
            return image(id.get()).orElseThrow();
        }
        Optional<Image> byPrefix = byIdPrefix(refOrId);
        if (byPrefix.isPresent()) {
            return byPrefix.get();
        }
        throw noSuchImage(name.digest() != null ? name.familiar() : name.withDefaultTag().familiar());
    }

    private Image byId(Digest id, String asGiven) throws ImageException {
        return image(id).orElseThrow(() -> noSuchImage(asGiven.contains(":") ? asGiven : id.toString()));
    }

    /** A unique match of the hex prefix; an ambiguous prefix finds nothing, as in Docker. */
    private Optional<Image> byIdPrefix(String text) {
        var m = ID_PREFIX.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String prefix = m.group(1);
        Digest found = null;
        for (Digest id : records.keySet()) {
            if (id.algorithm().equals(Digest.SHA256) && id.encoded().startsWith(prefix)) {
                if (found != null) {
                    return Optional.empty();
                }
                found = id;
            }
        }
        return found == null ? Optional.empty() : image(found);
    }

    static ImageException noSuchImage(String shown) {
        return ImageException.notFound("No such image: " + shown);
    }
}
