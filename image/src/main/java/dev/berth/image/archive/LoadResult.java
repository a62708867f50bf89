package dev.berth.image.archive;

import dev.berth.image.reference.ImageReference;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageStore;
import java.util.ArrayList;
import java.util.List;

/**
 * What a load stored: each image with the names it was loaded under and the tags it took from
 * other images. {@link #messages()} words it as {@code docker load} prints it.
 */
public record LoadResult(List<Loaded> images) {
    public LoadResult {
        images = List.copyOf(images);
    }

    /** One loaded image. */
    public record Loaded(Image image, List<ImageReference> names, List<ImageStore.Retagged> retagged) {
        public Loaded {
            names = List.copyOf(names);
            retagged = List.copyOf(retagged);
        }
    }

    /**
     * The lines {@code docker load} prints: {@code Loaded image: busybox:latest} per name,
     * {@code Loaded image ID: sha256:…} for an image without one, preceded by moby's notice for
     * every tag that moved away from another image.
     */
    public List<String> messages() {
        List<String> lines = new ArrayList<>();
        for (Loaded loaded : images) {
            for (ImageStore.Retagged moved : loaded.retagged()) {
                lines.add("The image " + moved.reference().familiar() + " already exists, renaming the old one with ID "
                        + moved.previous() + " to empty string");
            }
            if (loaded.names().isEmpty()) {
                lines.add("Loaded image ID: " + loaded.image().id());
            }
            for (ImageReference name : loaded.names()) {
                lines.add("Loaded image: " + name.withDefaultTag().familiar());
            }
        }
        return lines;
    }
}
