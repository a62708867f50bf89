package dev.berth.image.store;

import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import java.util.List;

/**
 * An image as the store presents it: its record and the names that point at it, tags
 * ({@code busybox:latest}) and repository digests ({@code busybox@sha256:…}), each sorted.
 * An image with no tags is dangling ({@code <none>:<none>} in {@code docker images}).
 */
public record Image(ImageRecord record, List<ImageReference> tags, List<ImageReference> digests) {
    public Image {
        tags = List.copyOf(tags);
        digests = List.copyOf(digests);
    }

    public Digest id() {
        return record.id();
    }

    public boolean isDangling() {
        return tags.isEmpty();
    }
}
