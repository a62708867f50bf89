package dev.berth.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.reference.ImageReference;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageListerTest {
    private static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");

    @TempDir
    Path root;
    ImageStore store;
    ImageRecord old;
    ImageRecord middle;
    ImageRecord recent;
    ImageRecord dangling;

    @BeforeEach
    void fill() throws Exception {
        FileContentStore content = FileContentStore.open(root);
        store = ImageStore.open(root, content, Clock.fixed(NOW, ZoneOffset.UTC));
        old = TestImages.image(content, NOW.minusSeconds(3 * 86400), Map.of("tier", "base"), "old");
        middle = TestImages.image(content, NOW.minusSeconds(2 * 86400), Map.of("tier", "app", "x", "1"), "middle");
        recent = TestImages.image(content, NOW.minusSeconds(3600), Map.of(), "recent");
        dangling = TestImages.image(content, NOW.minusSeconds(60), Map.of(), "dangling");
        store.put(old, List.of(ref("busybox:1.35")));
        store.put(middle, List.of(ref("busybox:1.36"), ref("localhost:5000/app:v1")));
        store.put(recent, List.of(ref("alpine")));
        store.put(dangling, List.of());
    }

    private static ImageReference ref(String text) throws ImageException {
        return ImageReference.parse(text);
    }

    private List<String> ids(ImageFilters filters) throws ImageException {
        return new ImageLister(store).list(filters).stream().map(i -> i.id().shortId()).toList();
    }

    @Test
    void listsNewestFirst() throws Exception {
        assertThat(ids(ImageFilters.none())).containsExactly(
                dangling.id().shortId(), recent.id().shortId(), middle.id().shortId(), old.id().shortId());
    }

    @Test
    void danglingFilter() throws Exception {
        assertThat(ids(ImageFilters.of("dangling", "true"))).containsExactly(dangling.id().shortId());
        assertThat(ids(ImageFilters.of("dangling", "false"))).doesNotContain(dangling.id().shortId()).hasSize(3);
        assertThatThrownBy(() -> ids(ImageFilters.of("dangling", "maybe")))
                .hasMessage("invalid filter 'dangling=maybe'");
    }

    @Test
    void referenceFilterKeepsOnlyMatchingNames() throws Exception {
        List<Image> found = new ImageLister(store).list(ImageFilters.of("reference", "busybox:1.3*"));
        assertThat(found).extracting(Image::id).containsExactly(middle.id(), old.id());
        assertThat(found.getFirst().tags()).extracting(ImageReference::familiar).containsExactly("busybox:1.36");
        assertThat(ids(ImageFilters.of("reference", "localhost:5000/*"))).containsExactly(middle.id().shortId());
        assertThat(ids(ImageFilters.of("reference", "alpine", "busybox")))
                .containsExactly(recent.id().shortId(), middle.id().shortId(), old.id().shortId());
    }

    @Test
    void beforeSinceAndUntil() throws Exception {
        assertThat(ids(ImageFilters.of("before", "alpine")))
                .containsExactly(middle.id().shortId(), old.id().shortId());
        assertThat(ids(ImageFilters.of("since", "busybox:1.36")))
                .containsExactly(dangling.id().shortId(), recent.id().shortId());
        assertThat(ids(ImageFilters.of("until", "24h")))
                .containsExactly(middle.id().shortId(), old.id().shortId());
        assertThat(ids(ImageFilters.of("until", "2024-05-29T12:00:00Z"))).containsExactly(old.id().shortId());
        assertThatThrownBy(() -> ids(ImageFilters.of("before", "nothing"))).hasMessage("No such image: nothing:latest");
    }

    @Test
    void labelFilterAndsItsValues() throws Exception {
        assertThat(ids(ImageFilters.of("label", "tier"))).containsExactly(middle.id().shortId(), old.id().shortId());
        assertThat(ids(ImageFilters.of("label", "tier=app", "x"))).containsExactly(middle.id().shortId());
        assertThat(ids(ImageFilters.of("label", "tier=app", "x=2"))).isEmpty();
    }

    @Test
    void unknownFilterIsRefused() {
        assertThatThrownBy(() -> ids(ImageFilters.of("colour", "red"))).hasMessage("invalid filter 'colour'");
    }

    @Test
    void pruneRemovesDanglingImagesAndTheirBlobs() throws Exception {
        ImagePruner.Report report = new ImagePruner(store, ImageUsers.NONE).prune(ImageFilters.none());
        assertThat(report.deleted()).containsExactly(new Deletion.Deleted(dangling.id()));
        assertThat(report.spaceReclaimed()).isPositive();
        assertThat(store.content().exists(dangling.layers().getFirst())).isFalse();
        assertThat(store.all()).hasSize(3);
        assertThat(store.content().exists(old.layers().getFirst())).isTrue();
    }

    @Test
    void pruneAllSparesImagesInUseAndHonoursLabels() throws Exception {
        ImageUsers usesOld = new ImageUsers() {
            @Override
            public java.util.Optional<String> runningContainer(dev.berth.oci.image.Digest imageId) {
                return imageId.equals(old.id()) ? java.util.Optional.of("c1") : java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<String> stoppedContainer(dev.berth.oci.image.Digest imageId) {
                return java.util.Optional.empty();
            }
        };
        ImagePruner pruner = new ImagePruner(store, usesOld);
        ImagePruner.Report byLabel = pruner.prune(new ImageFilters(Map.of("dangling", List.of("false"),
                "label", List.of("tier=app"))));
        assertThat(byLabel.deleted()).contains(new Deletion.Deleted(middle.id()));
        assertThat(store.get(recent.id())).isPresent();

        pruner.prune(ImageFilters.of("dangling", "false"));
        assertThat(store.all()).extracting(Image::id).containsExactly(old.id());
        assertThatThrownBy(() -> pruner.prune(ImageFilters.of("reference", "x")))
                .hasMessage("invalid filter 'reference'");
    }
}
