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
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageImporterTest {
    @TempDir
    Path root;
    FileContentStore content;
    ImageStore store;

    @BeforeEach
    void open() throws Exception {
        content = FileContentStore.open(root);
        store = ImageStore.open(root, content);
    }

    @Test
    void importsABusyboxRootfsAsAOneLayerImage() throws Exception {
        byte[] rootfs = BusyboxRootfs.tar();
        List<StoredLayer> handled = new ArrayList<>();
        Instant before = Instant.now();

        Image image = new ImageImporter(store).importTarball(new ByteArrayInputStream(Tars.gzip(rootfs)),
                ImageImporter.Options.defaults().named(ImageReference.parse("busybox")), handled::add);

        assertThat(store.resolve("busybox:latest").id()).isEqualTo(image.id());
        Digest diffId = Digest.of(rootfs);
        assertThat(image.record().layers()).containsExactly(diffId); // stored uncompressed
        assertThat(content.read(diffId, rootfs.length)).isEqualTo(rootfs);
        assertThat(handled).singleElement().satisfies(layer -> {
            assertThat(layer.diffId()).isEqualTo(diffId);
            assertThat(layer.parentDiffIds()).isEmpty();
            assertThat(layer.blob().mediaType()).isEqualTo(MediaTypes.OCI_LAYER);
        });

        ImageConfig config = ImageJson.readConfig(content.read(image.id(), 1 << 20), "config");
        assertThat(config.architecture()).isEqualTo(Platform.host().architecture());
        assertThat(config.os()).isEqualTo("linux");
        assertThat(config.diffIds()).containsExactly(diffId);
        assertThat(config.history()).singleElement().satisfies(h -> {
            assertThat(h.comment()).isEqualTo("Imported from -");
            assertThat(h.created()).isEqualTo(config.created());
        });
        assertThat(config.createdInstant()).isBetween(before, Instant.now());
        assertThat(image.record().created()).isEqualTo(config.createdInstant());

        Manifest manifest = ImageJson.readManifest(content.read(image.record().manifest(), 1 << 20), "manifest");
        assertThat(manifest.config().digest()).isEqualTo(image.id());
        assertThat(manifest.layers()).singleElement().satisfies(l -> assertThat(l.size()).isEqualTo(rootfs.length));
    }

    @Test
    void acceptsPlainAndZstdTarballsAndAMessage() throws Exception {
        byte[] rootfs = Fixtures.layer("hello", "world");
        Image plain = new ImageImporter(store).importTarball(new ByteArrayInputStream(rootfs),
                new ImageImporter.Options(null, "from a test", null, Platform.of("linux", "arm64")), LayerHandler.NONE);
        Image zstd = new ImageImporter(store).importTarball(new ByteArrayInputStream(Tars.zstd(rootfs)),
                ImageImporter.Options.defaults(), LayerHandler.NONE);

        assertThat(plain.record().layers()).isEqualTo(zstd.record().layers());
        ImageConfig config = ImageJson.readConfig(content.read(plain.id(), 1 << 20), "config");
        assertThat(config.history().getFirst().comment()).isEqualTo("from a test");
        assertThat(config.architecture()).isEqualTo("arm64");
        assertThat(plain.isDangling()).isTrue();
    }

    @Test
    void refusesWhatIsNotATarAndStoresNothing() throws Exception {
        byte[] garbage = new byte[4096];
        new java.util.Random(3).nextBytes(garbage);
        assertThatThrownBy(() -> new ImageImporter(store).importTarball(new ByteArrayInputStream(garbage),
                ImageImporter.Options.defaults(), LayerHandler.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("import: not a tar archive: ");
        assertThatThrownBy(() -> new ImageImporter(store).importTarball(new ByteArrayInputStream(new byte[0]),
                ImageImporter.Options.defaults(), LayerHandler.NONE))
                .hasMessage("import: empty input: expected a tar archive");
        assertThat(store.all()).isEmpty();
        assertThat(content.list()).isEmpty();
        try (Stream<Path> ingest = Files.list(root.resolve("content/ingest"))) {
            assertThat(ingest).isEmpty();
        }
    }

    @Test
    void anImportedBusyboxSurvivesSaveAndLoad() throws Exception {
        Image image = new ImageImporter(store).importTarball(new ByteArrayInputStream(BusyboxRootfs.tar()),
                ImageImporter.Options.defaults().named(ImageReference.parse("busybox:imported")), LayerHandler.NONE);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        new ImageSaver(store).save(List.of("busybox:imported"), ArchiveFormat.DOCKER, saved);

        Path otherRoot = root.resolve("other");
        ImageStore other = ImageStore.open(otherRoot, FileContentStore.open(otherRoot));
        new ImageLoader(other).load(new ByteArrayInputStream(saved.toByteArray()), LayerHandler.NONE);
        assertThat(other.resolve("busybox:imported").id()).isEqualTo(image.id());
    }
}
