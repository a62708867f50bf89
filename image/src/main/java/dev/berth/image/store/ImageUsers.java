package dev.berth.image.store;

import dev.berth.oci.image.Digest;
import java.util.Optional;

/**
 * Which containers use an image, so that deletes follow Docker's conflict rules: a running
 * container's image cannot be deleted even with force, a stopped container's only with force.
 * The daemon supplies this from its container list; {@link #NONE} is for callers without
 * containers.
 */
public interface ImageUsers {
    ImageUsers NONE = new ImageUsers() {
        @Override
        public Optional<String> runningContainer(Digest imageId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> stoppedContainer(Digest imageId) {
            return Optional.empty();
        }
    };

    /** The ID of a running container created from the image, if any. */
    Optional<String> runningContainer(Digest imageId);

    /** The ID of a stopped container created from the image, if any. */
    Optional<String> stoppedContainer(Digest imageId);

    default Optional<String> anyContainer(Digest imageId) {
        return runningContainer(imageId).or(() -> stoppedContainer(imageId));
    }
}
