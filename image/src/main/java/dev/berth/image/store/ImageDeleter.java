package dev.berth.image.store;

import dev.berth.image.ImageException;
import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code docker rmi} with the rules of moby's {@code ImageDelete}, so that the docker CLI and
 * scripts see the same outcomes and the same conflict messages:
 *
 * <ul>
 * <li>By name: the name is removed; if it was the last tag of its repository, that
 *     repository's digest references go too; the image itself is deleted only when no name is
 *     left and no container uses it.
 * <li>By ID: if all names are one tag (plus digests) of one repository, they are removed with
 *     the image; otherwise {@code conflict: unable to delete 3f5ef9003cef (must be forced) -
 *     image is referenced in multiple repositories} unless forced.
 * <li>A stopped container's image needs force; a running container's cannot be deleted.
 * </ul>
 *
 * The whole delete is one store update: it happens entirely or not at all.
 */
public final class ImageDeleter {
    private final ImageStore store;
    private final ImageUsers users;

    public ImageDeleter(ImageStore store, ImageUsers users) {
        this.store = store;
        this.users = users;
    }

    /** Deletes by name or ID; the result lists names removed and images deleted, in order. */
    public List<Deletion> delete(String refOrId, boolean force) throws ImageException {
        return store.update(state -> delete(state, refOrId, force));
    }

    List<Deletion> delete(MutableState state, String refOrId, boolean force) throws ImageException {
        Image image = state.toSnapshot().resolve(refOrId);
        Digest id = image.id();
        List<Deletion> records = new ArrayList<>();
        List<ImageReference> names = state.referencesTo(id);

        boolean removedName = false;
        if (!isIdPrefix(id, refOrId)) {
            ImageReference name = ImageReference.parse(refOrId);
            if (!force && isSingleReference(names)) {
                Optional<String> container = users.anyContainer(id);
                if (container.isPresent()) {
                    throw ImageException.conflict("conflict: unable to remove repository reference \"" + refOrId
                            + "\" (must force) - container " + shortId(container.get())
                            + " is using its referenced image " + id.shortId());
                }
            }
            ImageReference removed = name.digest() != null ? name.withoutTag() : name.withDefaultTag();
            state.removeReference(removed);
            records.add(new Deletion.Untagged(removed));
            names = state.referencesTo(id);

            // The last tag of a repository takes that repository's digests with it.
            if (removed.digest() == null) {
                boolean tagLeft = names.stream()
                        .anyMatch(n -> n.digest() == null && n.name().equals(removed.name()));
                if (!tagLeft) {
                    for (ImageReference other : names) {
                        if (other.digest() != null && other.name().equals(removed.name())) {
                            state.removeReference(other);
                            records.add(new Deletion.Untagged(other));
                        }
                    }
                    names = state.referencesTo(id);
                }
            }
            if (!names.isEmpty()) {
                return records;
            }
            removedName = true;
        } else if (isSingleReference(names)) {
            // moby: hard conflicts, plus a stopped container unless forced; the names are about to go.
            Conflict conflict = conflict(state, id, false, !force);
            if (conflict != null) {
                throw conflict.exception(id);
            }
            for (ImageReference other : names) {
                state.removeReference(other);
                records.add(new Deletion.Untagged(other));
            }
        }
        deleteImage(state, id, force, removedName, records);
        return records;
    }

    /** moby's {@code imageDeleteHelper}; quietly keeps an image a name was just removed from. */
    private void deleteImage(MutableState state, Digest id, boolean force, boolean quiet, List<Deletion> records)
            throws ImageException {
        Conflict conflict = conflict(state, id, !force, !force);
        if (conflict != null) {
            if (quiet && (!state.isDangling(id) || conflict.used())) {
                return;
            }
            throw conflict.exception(id);
        }
        for (ImageReference name : state.referencesTo(id)) {
            state.removeReference(name);
            records.add(new Deletion.Untagged(name));
        }
        state.images().remove(id);
        records.add(new Deletion.Deleted(id));
    }

    /**
     * The checks of moby's {@code checkImageDeleteConflict}, in its order. A running container
     * is always a (hard) conflict; names and stopped containers are soft ones, checked unless
     * forced. Berth records no parent images yet, so "dependent child images" cannot occur.
     */
    private Conflict conflict(MutableState state, Digest id, boolean references, boolean stopped) {
        Optional<String> running = users.runningContainer(id);
        if (running.isPresent()) {
            return new Conflict(true, true, "image is being used by running container " + shortId(running.get()));
        }
        if (references && !state.referencesTo(id).isEmpty()) {
            return new Conflict(false, false, "image is referenced in multiple repositories");
        }
        if (stopped) {
            Optional<String> container = users.stoppedContainer(id);
            if (container.isPresent()) {
                return new Conflict(false, true,
                        "image is being used by stopped container " + shortId(container.get()));
            }
        }
        return null;
    }

    private record Conflict(boolean hard, boolean used, String message) {
        ImageException exception(Digest id) {
            return ImageException.conflict("conflict: unable to delete " + id.shortId() + " ("
                    + (hard ? "cannot be forced" : "must be forced") + ") - " + message);
        }
    }

    /** moby's {@code isImageIDPrefix}: the argument is (a prefix of) the ID, with or without {@code sha256:}. */
    static boolean isIdPrefix(Digest id, String given) {
        return id.toString().startsWith(given) || id.encoded().startsWith(given);
    }

    /**
     * moby's {@code isSingleReference}: the names are at most one tag, and digests of that same
     * repository only. False for no names at all.
     */
    static boolean isSingleReference(List<ImageReference> names) {
        if (names.size() <= 1) {
            return names.size() == 1;
        }
        ImageReference single = null;
        Set<String> digestNames = new HashSet<>();
        for (ImageReference name : names) {
            if (name.digest() != null) {
                digestNames.add(name.name());
            } else if (single == null) {
                single = name;
            } else {
                return false;
            }
        }
        if (single == null) {
            single = names.getFirst();
        }
        return digestNames.size() == 1 && digestNames.contains(single.name());
    }

    private static String shortId(String containerId) {
        return containerId.length() <= 12 ? containerId : containerId.substring(0, 12);
    }
}
