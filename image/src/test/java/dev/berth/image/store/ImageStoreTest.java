package dev.berth.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.reference.ImageReference;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.image.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    @TempDir
    Path root;
    FileContentStore content;
    ImageStore store;

    @BeforeEach
    void open() throws Exception {
        content = FileContentStore.open(root);
        store = ImageStore.open(root, content);
    }

    private static ImageReference ref(String text) throws ImageException {
        return ImageReference.parse(text);
    }

    @Test
    void findsImagesByNameIdAndIdPrefixAsDockerDoes() throws Exception {
        ImageRecord record = TestImages.image(content, T0, Map.of(), "layer-a");
        store.put(record, List.of(ref("busybox")));
        Digest id = record.id();

        assertThat(store.resolve("busybox").id()).isEqualTo(id);
        assertThat(store.resolve("busybox:latest").id()).isEqualTo(id);
        assertThat(store.resolve("docker.io/library/busybox:latest").id()).isEqualTo(id);
        assertThat(store.resolve(id.toString()).id()).isEqualTo(id);
        assertThat(store.resolve(id.encoded()).id()).isEqualTo(id);
        assertThat(store.resolve(id.shortId()).id()).isEqualTo(id);
        assertThat(store.resolve("sha256:" + id.encoded().substring(0, 8)).id()).isEqualTo(id);
        assertThat(store.get(id).orElseThrow().tags())
                .extracting(Object::toString).containsExactly("docker.io/library/busybox:latest");

        assertThatThrownBy(() -> store.resolve("alpine"))
                .hasMessage("No such image: alpine:latest")
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> store.resolve("busybox:1.36")).hasMessage("No such image: busybox:1.36");
        String other = "sha256:" + "f".repeat(64);
        assertThatThrownBy(() -> store.resolve(other)).hasMessage("No such image: " + other);
        assertThatThrownBy(() -> store.resolve("Busybox"))
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);
    }

    @Test
    void persistenceSurvivesReopenAndIgnoresATornTempFile() throws Exception {
        ImageRecord record = TestImages.image(content, T0, Map.of("a", "b"), "layer-a");
        store.put(record, List.of(ref("busybox:1"), ref("localhost:5000/busybox@" + record.manifest())));
        // A crash between writing the temp file and renaming it: garbage next to the real state.
        Path torn = root.resolve("images/.tmp-images.json-crashed");
        Files.writeString(torn, "{\"version\":1,\"images\":[{\"id\":\"sha2", StandardCharsets.UTF_8);

        ImageStore reopened = ImageStore.open(root, content);

        Image image = reopened.resolve("busybox:1");
        assertThat(image.record()).isEqualTo(store.get(record.id()).orElseThrow().record());
        assertThat(image.record().labels()).containsEntry("a", "b");
        assertThat(image.record().created()).isEqualTo(T0);
        assertThat(image.digests()).extracting(ImageReference::toString)
                .containsExactly("localhost:5000/busybox@" + record.manifest());
        assertThat(torn).doesNotExist();
        assertThat(root.resolve("images")).isDirectoryContaining("glob:**/images.json");
    }

    @Test
    void refusesToRegisterAnImageWithMissingBlobs() throws Exception {
        ImageRecord record = TestImages.image(content, T0, Map.of(), "layer-a");
        content.delete(record.layers().getFirst());
        assertThatThrownBy(() -> store.put(record, List.of(ref("x"))))
                .hasMessage("image " + record.id() + ": blob " + record.layers().getFirst() + " is missing");
        assertThat(store.all()).isEmpty();
    }

    @Test
    void tagsMoveButDigestsDoNot() throws Exception {
        ImageRecord one = TestImages.image(content, T0, Map.of(), "one");
        ImageRecord two = TestImages.image(content, T0.plusSeconds(1), Map.of(), "two");
        store.put(one, List.of(ref("app:v1")));
        store.put(two, List.of());

        assertThat(store.tag(two.id(), ref("app:v1"))).contains(one.id());
        assertThat(store.resolve("app:v1").id()).isEqualTo(two.id());
        assertThat(store.get(one.id()).orElseThrow().isDangling()).isTrue();
        assertThat(store.tag(two.id(), ref("app"))).isEmpty();
        assertThat(store.resolve("app:latest").id()).isEqualTo(two.id());
        assertThat(store.get(two.id()).orElseThrow().record().lastTagTime()).isNotNull();

        ImageReference pinned = ref("app@" + one.manifest());
        store.tag(one.id(), pinned);
        assertThatThrownBy(() -> store.tag(two.id(), pinned))
                .hasMessage("Cannot overwrite digest " + one.manifest())
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.CONFLICT);
        assertThatThrownBy(() -> store.tag(two.id(), ref("sha256:abc")))
                .hasMessage("refusing to create an ambiguous tag using digest algorithm as name");
        assertThat(store.untag(ref("app"))).isTrue();
        assertThat(store.untag(ref("app"))).isFalse();
    }

    @Test
    void garbageCollectionKeepsSharedLayersAndDropsTheRest() throws Exception {
        ImageRecord one = TestImages.image(content, T0, Map.of(), "shared", "only-one");
        ImageRecord two = TestImages.image(content, T0, Map.of(), "shared", "only-two");
        store.put(one, List.of(ref("one")));
        store.put(two, List.of(ref("two")));
        content.put("stray".getBytes(StandardCharsets.UTF_8), null);

        assertThat(store.collectGarbage()).hasSize(1);

        new ImageDeleter(store, ImageUsers.NONE).delete("one", false);
        List<Digest> removed = store.collectGarbage().stream().map(b -> b.digest()).toList();
        assertThat(removed).containsExactlyInAnyOrder(one.layers().get(1), one.id(), one.manifest());
        assertThat(content.exists(one.layers().getFirst())).isTrue(); // still used by "two"
        assertThat(content.list()).hasSize(two.blobs().size());
    }

    @Test
    @RequiresRoot
    void aDataRootThatCannotBeWrittenIsPermissionDeniedWithTheReason() throws Exception {
        ImageRecord record = TestImages.image(content, T0, Map.of(), "layer");
        store.put(record, List.of(ref("app")));
        Path images = root.resolve("images");
        // the store's own directory bound read-only over itself, unmounted whatever happens
        run("mount", "--bind", images.toString(), images.toString());
        try {
            run("mount", "-o", "remount,bind,ro", images.toString());
            assertThatThrownBy(() -> store.tag(record.id(), ref("app:v2")))
                    .hasMessage("write image store " + images + ": read-only file system")
                    .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.PERMISSION_DENIED);
            assertThat(store.resolve("app").id()).isEqualTo(record.id()); // the failed change left the state as it was
            assertThatThrownBy(() -> store.resolve("app:v2")).hasMessage("No such image: app:v2");
        } finally {
            run("umount", images.toString());
        }
        store.tag(record.id(), ref("app:v2")); // writable again once unmounted
        assertThat(store.resolve("app:v2").id()).isEqualTo(record.id());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
