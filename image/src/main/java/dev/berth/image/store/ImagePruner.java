package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.reference.ImageReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker image prune} as moby's {@code ImagesPrune}: by default the dangling images
 * (no tags), with {@code dangling=false} ({@code -a}) every image no container uses; narrowed
 * by {@code until}, {@code label} and {@code label!}. Each image goes through the ordinary
 * delete without force, so conflicts spare it silently; then the content no image references
 * is collected, and its size is the space reclaimed.
 */
public final class ImagePruner {
    private final ImageStore store;
    private final ImageUsers users;

    public ImagePruner(ImageStore store, ImageUsers users) {
        this.store = store;
        this.users = users;
    }

    /** What a prune removed: the names and images, and the bytes of blobs freed. */
    public record Report(List<Deletion> deleted, long spaceReclaimed) {}

    public Report prune(ImageFilters filters) throws ImageException {
        filters.validate(ImageFilters.PRUNE_NAMES);
        boolean danglingOnly = filters.bool("dangling", true);
        List<String> untilValues = filters.get("until");
        if (untilValues.size() > 1) {
            throw ImageException.invalid("more than one until filter specified");
        }
        Instant until = untilValues.isEmpty() ? null
                : DockerTime.parse(untilValues.getFirst(), store.clock().instant());

        ImageDeleter deleter = new ImageDeleter(store, users);
        List<Deletion> deleted = new ArrayList<>();
        for (Image image : store.all()) {
            if (users.anyContainer(image.id()).isPresent()
                    || until != null && image.record().created() != null && image.record().created().isAfter(until)
                    || !filters.matchLabels("label", image.record().labels())
                    || filters.contains("label!") && filters.matchLabels("label!", image.record().labels())) {
                continue;
            }
            List<ImageReference> names = new ArrayList<>(image.tags());
            names.addAll(image.digests());
            if (names.isEmpty()) {
                deleteQuietly(deleter, image.id().encoded(), deleted);
            } else if (!danglingOnly || image.tags().isEmpty()) {
                for (ImageReference name : names) {
                    deleteQuietly(deleter, name.toString(), deleted);
                }
            }
        }
        long reclaimed = 0;
        for (BlobInfo blob : store.collectGarbage()) {
            reclaimed += blob.size();
        }
        return new Report(deleted, reclaimed);
    }

    /** moby's {@code imageDeleteFailed}: conflicts and vanished images are skipped, not errors. */
    private static void deleteQuietly(ImageDeleter deleter, String name, List<Deletion> deleted)
            throws ImageException {
        try {
            deleted.addAll(deleter.delete(name, false));
        } catch (ImageException e) {
            if (e.kind() != ImageException.Kind.CONFLICT && e.kind() != ImageException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }
}
