package dev.berth.image.store;

import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;

/**
 * One line of a delete's answer, as Docker reports them ({@code ImageDeleteResponseItem}):
 * a name removed ({@code Untagged: busybox:latest}) or an image removed ({@code Deleted:
 * sha256:…}). The daemon turns them into the JSON and the untag/delete events.
 */
public sealed interface Deletion {
    record Untagged(ImageReference reference) implements Deletion {}

    record Deleted(Digest id) implements Deletion {}
}
