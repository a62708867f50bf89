package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.reference.ImageReference;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker images} with moby's filter semantics: {@code dangling} (true: only images
 * without tags; false: only images with some name), {@code reference} (globs on the familiar
 * name, ORed; only matching names are shown), {@code before}/{@code since} (created before the
 * oldest / after the newest image named), {@code until} (created before a time) and
 * {@code label} ({@code key} or {@code key=value}, ANDed). Newest first.
 */
public final class ImageLister {
    private final ImageStore store;
    private final Clock clock;

    public ImageLister(ImageStore store) {
        this.store = store;
        this.clock = store.clock();
    }

    /**
     * The images that pass {@code filters}, each with only the names that passed the
     * {@code reference} filter. A dangling image has no tags; the API shows it as
     * {@code <none>:<none>}.
     */
    public List<Image> list(ImageFilters filters) throws ImageException {
        filters.validate(ImageFilters.LIST_NAMES);
        boolean danglingOnly = filters.bool("dangling", false);
        Snapshot snapshot = store.snapshot();

        Instant before = null;
        for (String value : filters.get("before")) {
            Instant created = snapshot.resolve(value).record().created();
            if (created != null && (before == null || created.isBefore(before))) {
                before = created; // several values: the oldest, i.e. all of them ANDed
            }
        }
        Instant since = null;
        for (String value : filters.get("since")) {
            Instant created = snapshot.resolve(value).record().created();
            if (created != null && (since == null || created.isAfter(since))) {
                since = created;
            }
        }
        Instant until = null;
        for (String value : filters.get("until")) {
            Instant time = DockerTime.parse(value, clock.instant());
            if (until == null || time.isBefore(until)) {
                until = time;
            }
        }
        List<String> patterns = filters.get("reference");

        List<Image> result = new ArrayList<>();
        for (Image image : snapshot.images()) {
            Instant created = image.record().created();
            if (before != null && (created == null || !created.isBefore(before))
                    || since != null && (created == null || !created.isAfter(since))
                    || until != null && (created == null || created.isAfter(until))
                    || !filters.matchLabels("label", image.record().labels())) {
                continue;
            }
            List<ImageReference> tags = matching(image.tags(), patterns);
            List<ImageReference> digests = matching(image.digests(), patterns);
            if (tags.isEmpty() && digests.isEmpty()) {
                if (filters.contains("dangling") && !danglingOnly || !patterns.isEmpty()) {
                    continue;
                }
            } else if (danglingOnly && !tags.isEmpty()) {
                continue;
            }
            result.add(new Image(image.record(), tags, digests));
        }
        return result;
    }

    private static List<ImageReference> matching(List<ImageReference> names, List<String> patterns)
            throws ImageException {
        if (patterns.isEmpty()) {
            return names;
        }
        List<ImageReference> kept = new ArrayList<>();
        for (ImageReference name : names) {
            for (String pattern : patterns) {
                if (name.familiarMatch(pattern)) {
                    kept.add(name);
                    break;
                }
            }
        }
        return kept;
    }
}
