package dev.berth.image.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageStore;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommitterTest {
    @TempDir
    Path root;
    FileContentStore content;
    ImageStore store;
    Image parent;

    @BeforeEach
    void open() throws Exception {
        content = FileContentStore.open(root);
        store = ImageStore.open(root, content);
        parent = new ImageImporter(store).importTarball(new ByteArrayInputStream(BusyboxRootfs.tar()),
                ImageImporter.Options.defaults().named(ImageReference.parse("busybox")), LayerHandler.NONE);
    }

    @Test
    void aChildGetsTheParentsLayersAndOneMore() throws Exception {
        byte[] layer = new Tars().file("greeting", "committed\n").bytes(); // the container's changes
        List<StoredLayer> handled = new ArrayList<>();
        ImageConfig.Config defaults = new ImageConfig.Config(null, null, List.of("X=1"), null, List.of("sh"), null,
                null, null, null, null, null, null, null);

        Image child = new ImageCommitter(store).commit(parent, out -> write(out, layer),
                new ImageCommitter.Options(ImageReference.parse("child:v1"), defaults, "sh", "me", "a comment"),
                handled::add);

        assertThat(store.resolve("child:v1").id()).isEqualTo(child.id());
        ImageConfig parentConfig = ImageJson.readConfig(content.read(parent.id(), 1 << 20), "parent");
        ImageConfig config = ImageJson.readConfig(content.read(child.id(), 1 << 20), "child");
        assertThat(config.diffIds()).containsExactly(parentConfig.diffIds().get(0), Digest.of(layer));
        assertThat(config.config().env()).containsExactly("X=1");
        assertThat(config.author()).isEqualTo("me");
        assertThat(config.comment()).isEqualTo("a comment");
        assertThat(config.history()).hasSize(parentConfig.history().size() + 1);
        assertThat(config.history().getLast().createdBy()).isEqualTo("sh");
        assertThat(config.history().getLast().isEmptyLayer()).isFalse();
        Manifest manifest = ImageJson.readManifest(content.read(child.record().manifest(), 1 << 20), "manifest");
        assertThat(manifest.layers()).hasSize(2);
        assertThat(child.record().layers()).containsExactly(parent.record().layers().get(0), Digest.of(layer));
        assertThat(handled).singleElement().satisfies(l -> {
            assertThat(l.diffId()).isEqualTo(Digest.of(layer));
            assertThat(l.parentDiffIds()).isEqualTo(parentConfig.diffIds());
        });
    }

    @Test
    void anEmptyLayerIsNotAdded() throws Exception {
        List<StoredLayer> handled = new ArrayList<>();
        Image child = new ImageCommitter(store).commit(parent, out -> write(out, new byte[1024]),
                new ImageCommitter.Options(null, null, "", null, null), handled::add);

        ImageConfig config = ImageJson.readConfig(content.read(child.id(), 1 << 20), "child");
        assertThat(config.diffIds()).hasSize(1);
        assertThat(config.history().getLast().isEmptyLayer()).isTrue();
        assertThat(child.record().layers()).isEqualTo(parent.record().layers());
        assertThat(handled).isEmpty();
        assertThat(child.tags()).isEmpty();
    }

    @Test
    void aFailedLayerLeavesNoImage() throws Exception {
        int images = store.all().size();
        assertThatThrownBy(() -> new ImageCommitter(store).commit(parent, out -> {
            throw ImageException.invalid("diff entry x: unsupported file type");
        }, new ImageCommitter.Options(ImageReference.parse("broken"), null, "", null, null), LayerHandler.NONE))
                .hasMessage("diff entry x: unsupported file type");
        assertThat(store.all()).hasSize(images);
    }

    private static void write(java.io.OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
