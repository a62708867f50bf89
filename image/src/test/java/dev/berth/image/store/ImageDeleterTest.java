package dev.berth.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outcomes of moby's ImageDelete for the cases its integration tests cover. */
class ImageDeleterTest {
    @TempDir
    Path root;
    ImageStore store;
    ImageRecord image;

    @BeforeEach
    void open() throws Exception {
        FileContentStore content = FileContentStore.open(root);
        store = ImageStore.open(root, content);
        image = TestImages.image(content, Instant.parse("2024-01-01T00:00:00Z"), Map.of(), "layer");
    }

    private static ImageReference ref(String text) throws ImageException {
        return ImageReference.parse(text);
    }

    private static List<String> shown(List<Deletion> deletions) {
        return deletions.stream().map(d -> switch (d) {
            case Deletion.Untagged u -> "Untagged: " + u.reference().familiar();
            case Deletion.Deleted x -> "Deleted: " + x.id();
        }).toList();
    }

    private static ImageUsers users(String running, String stopped) {
        return new ImageUsers() {
            @Override
            public Optional<String> runningContainer(Digest imageId) {
                return Optional.ofNullable(running);
            }

            @Override
            public Optional<String> stoppedContainer(Digest imageId) {
                return Optional.ofNullable(stopped);
            }
        };
    }

    @Test
    void deletingOneOfTwoNamesOnlyUntags() throws Exception {
        store.put(image, List.of(ref("a:1"), ref("b:1")));
        ImageDeleter deleter = new ImageDeleter(store, ImageUsers.NONE);

        assertThat(shown(deleter.delete("a:1", false))).containsExactly("Untagged: a:1");
        assertThat(store.get(image.id())).isPresent();
        assertThat(shown(deleter.delete("b:1", false)))
                .containsExactly("Untagged: b:1", "Deleted: " + image.id());
        assertThat(store.all()).isEmpty();
    }

    @Test
    void deletingByIdWithNamesInTwoRepositoriesNeedsForce() throws Exception {
        store.put(image, List.of(ref("a:1"), ref("b:1")));
        ImageDeleter deleter = new ImageDeleter(store, ImageUsers.NONE);

        assertThatThrownBy(() -> deleter.delete(image.id().shortId(), false))
                .hasMessage("conflict: unable to delete " + image.id().shortId()
                        + " (must be forced) - image is referenced in multiple repositories")
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.CONFLICT);
        assertThat(store.resolve("a:1").id()).isEqualTo(image.id()); // nothing happened

        assertThat(shown(deleter.delete(image.id().toString(), true)))
                .containsExactly("Untagged: a:1", "Untagged: b:1", "Deleted: " + image.id());
    }

    @Test
    void deletingByIdWithOneTagAndItsDigestsRemovesThemAll() throws Exception {
        store.put(image, List.of(ref("a:1"), ref("a@" + image.manifest())));
        List<Deletion> result = new ImageDeleter(store, ImageUsers.NONE).delete(image.id().encoded(), false);
        assertThat(shown(result)).containsExactly(
                "Untagged: a:1", "Untagged: a@" + image.manifest(), "Deleted: " + image.id());
    }

    @Test
    void removingTheLastTagOfARepositoryTakesItsDigests() throws Exception {
        store.put(image, List.of(ref("a:1"), ref("a@" + image.manifest()), ref("b:2")));
        List<Deletion> result = new ImageDeleter(store, ImageUsers.NONE).delete("a:1", false);
        assertThat(shown(result)).containsExactly("Untagged: a:1", "Untagged: a@" + image.manifest());
        assertThat(store.get(image.id()).orElseThrow().tags()).extracting(ImageReference::familiar)
                .containsExactly("b:2");
    }

    @Test
    void stoppedContainerNeedsForceRunningContainerCannotBeForced() throws Exception {
        store.put(image, List.of(ref("a:1")));
        ImageDeleter stopped = new ImageDeleter(store, users(null, "0123456789abcdef"));
        assertThatThrownBy(() -> stopped.delete(image.id().shortId(), false))
                .hasMessage("conflict: unable to delete " + image.id().shortId()
                        + " (must be forced) - image is being used by stopped container 0123456789ab");
        assertThatThrownBy(() -> stopped.delete("a:1", false))
                .hasMessage("conflict: unable to remove repository reference \"a:1\" (must force) - container "
                        + "0123456789ab is using its referenced image " + image.id().shortId());

        ImageDeleter running = new ImageDeleter(store, users("fedcba9876543210", null));
        assertThatThrownBy(() -> running.delete(image.id().shortId(), true))
                .hasMessage("conflict: unable to delete " + image.id().shortId()
                        + " (cannot be forced) - image is being used by running container fedcba987654");

        // Forced delete by name of a running container's image: the name goes, the image stays.
        assertThat(shown(running.delete("a:1", true))).containsExactly("Untagged: a:1");
        assertThat(store.get(image.id())).isPresent();
        // A stopped container does not hold the image against force (it keeps a dangling ID).
        assertThat(shown(stopped.delete(image.id().shortId(), true))).containsExactly("Deleted: " + image.id());
    }

    @Test
    void forcedDeleteByNameIgnoresAStoppedContainer() throws Exception {
        store.put(image, List.of(ref("a:1")));
        ImageDeleter stopped = new ImageDeleter(store, users(null, "0123456789abcdef"));
        assertThat(shown(stopped.delete("a:1", true))).containsExactly("Untagged: a:1", "Deleted: " + image.id());
    }

    @Test
    void missingImageIsDockersNoSuchImage() {
        ImageDeleter deleter = new ImageDeleter(store, ImageUsers.NONE);
        assertThatThrownBy(() -> deleter.delete("nothing", false)).hasMessage("No such image: nothing:latest");
    }
}
