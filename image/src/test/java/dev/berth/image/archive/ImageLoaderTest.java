package dev.berth.image.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.BlobInfo;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {
    @TempDir
    Path root;
    FileContentStore content;
    ImageStore store;
    final List<StoredLayer> handled = new ArrayList<>();

    final byte[] layerA = Fixtures.layer("a", "first layer");
    final byte[] layerB = Fixtures.layer("b", "second layer");
    final Digest diffA = Digest.of(layerA);
    final Digest diffB = Digest.of(layerB);

    @BeforeEach
    void open() throws Exception {
        content = FileContentStore.open(root);
        store = ImageStore.open(root, content);
    }

    private LoadResult load(byte[] archive) throws ImageException {
        return new ImageLoader(store).load(new ByteArrayInputStream(archive), handled::add);
    }

    private Image single(LoadResult result) {
        assertThat(result.images()).hasSize(1);
        return result.images().getFirst().image();
    }

    private void assertNothingStored() throws Exception {
        assertThat(store.all()).isEmpty();
        assertThat(content.list()).isEmpty();
        try (Stream<Path> ingest = Files.list(root.resolve("content/ingest"))) {
            assertThat(ingest).isEmpty();
        }
    }

    /** Docker 25+: an OCI layout with manifest.json and repositories beside it. */
    private byte[] docker25Archive(byte[] config, String... tags) {
        Tars tar = new Tars().directory("blobs").directory("blobs/sha256")
                .file("blobs/sha256/" + Fixtures.hex(layerA), layerA)
                .file("blobs/sha256/" + Fixtures.hex(layerB), layerB)
                .file("blobs/sha256/" + Fixtures.hex(config), config);
        String repoTags = String.join(",", Stream.of(tags).map(t -> "\"" + t + "\"").toList());
        tar.file("manifest.json", "[{\"Config\":\"blobs/sha256/" + Fixtures.hex(config) + "\",\"RepoTags\":["
                + repoTags + "],\"Layers\":[\"blobs/sha256/" + Fixtures.hex(layerA) + "\",\"blobs/sha256/"
                + Fixtures.hex(layerB) + "\"]}]");
        tar.file("repositories", "{\"busybox\":{\"latest\":\"" + Fixtures.hex(layerB) + "\"}}");
        return tar.bytes();
    }

    @Test
    void loadsWhatDocker25Saves() throws Exception {
        byte[] config = Fixtures.config(List.of(diffA, diffB));
        LoadResult result = load(docker25Archive(config, "busybox:latest"));

        Image image = single(result);
        assertThat(image.id()).isEqualTo(Digest.of(config));
        assertThat(image.tags()).extracting(ImageReference::familiar).containsExactly("busybox:latest");
        assertThat(image.record().layers()).containsExactly(diffA, diffB); // uncompressed: blob = diffID
        assertThat(image.record().labels()).containsEntry("org.example", "yes");
        assertThat(result.messages()).containsExactly("Loaded image: busybox:latest");
        assertThat(content.read(image.id(), 1 << 20)).isEqualTo(config);
        assertThat(handled).extracting(StoredLayer::diffId).containsExactly(diffA, diffB);
        assertThat(handled.get(1).parentDiffIds()).containsExactly(diffA);
        assertThat(handled.getFirst().blob().mediaType()).isEqualTo(MediaTypes.OCI_LAYER);
        try (Stream<Path> ingest = Files.list(root.resolve("content/ingest"))) {
            assertThat(ingest).isEmpty();
        }
    }

    @Test
    void loadsOlderDockerLayoutWithRepeatedLayersAsSymlinks() throws Exception {
        // Docker before 25: <config hex>.json, <v1 id>/layer.tar, and a layer that appears twice
        // saved once, the second time as a symlink to the first.
        byte[] config = Fixtures.config(List.of(diffA, diffB, diffA));
        String idA = "1".repeat(64);
        String idB = "2".repeat(64);
        String idA2 = "3".repeat(64);
        byte[] archive = new Tars()
                .file(Fixtures.hex(config) + ".json", config)
                .directory(idA).file(idA + "/VERSION", "1.0").file(idA + "/json", "{}").file(idA + "/layer.tar", layerA)
                .directory(idB).file(idB + "/VERSION", "1.0").file(idB + "/json", "{}").file(idB + "/layer.tar", layerB)
                .directory(idA2).file(idA2 + "/VERSION", "1.0").file(idA2 + "/json", "{}")
                .symlink(idA2 + "/layer.tar", "../" + idA + "/layer.tar")
                .file("manifest.json", "[{\"Config\":\"" + Fixtures.hex(config) + ".json\",\"RepoTags\":[\"old:1\"],"
                        + "\"Layers\":[\"" + idA + "/layer.tar\",\"" + idB + "/layer.tar\",\"" + idA2 + "/layer.tar\"]}]")
                .file("repositories", "{\"old\":{\"1\":\"" + idA2 + "\"}}")
                .bytes();

        Image image = single(load(archive));
        assertThat(image.id()).isEqualTo(Digest.of(config));
        assertThat(image.record().layers()).containsExactly(diffA, diffB, diffA);
        assertThat(store.resolve("old:1").id()).isEqualTo(image.id());
    }

    @Test
    void loadsTheLayoutSkopeoWrites() throws Exception {
        // skopeo's docker-archive: layers as <diffID hex>.tar in the root, manifest.json naming
        // them, legacy <id>/layer.tar symlinks for old readers.
        byte[] config = Fixtures.config(List.of(diffA, diffB));
        String idA = "a".repeat(64);
        String idB = "b".repeat(64);
        byte[] archive = new Tars()
                .file(Fixtures.hex(layerA) + ".tar", layerA)
                .file(Fixtures.hex(layerB) + ".tar", layerB)
                .file(Fixtures.hex(config) + ".json", config)
                .directory(idA).symlink(idA + "/layer.tar", "../" + Fixtures.hex(layerA) + ".tar")
                .file(idA + "/VERSION", "1.0").file(idA + "/json", "{\"id\":\"" + idA + "\"}")
                .directory(idB).symlink(idB + "/layer.tar", "../" + Fixtures.hex(layerB) + ".tar")
                .file(idB + "/VERSION", "1.0").file(idB + "/json", "{\"id\":\"" + idB + "\",\"parent\":\"" + idA + "\"}")
                .file("manifest.json", "[{\"Config\":\"" + Fixtures.hex(config) + ".json\",\"RepoTags\":"
                        + "[\"localhost:5000/test/busybox:v1\"],\"Layers\":[\"" + Fixtures.hex(layerA) + ".tar\",\""
                        + Fixtures.hex(layerB) + ".tar\"]}]")
                .file("repositories", "{\"localhost:5000/test/busybox\":{\"v1\":\"" + idB + "\"}}")
                .bytes();

        Image image = single(load(archive));
        assertThat(image.tags()).extracting(ImageReference::toString)
                .containsExactly("localhost:5000/test/busybox:v1");
        assertThat(image.record().layers()).containsExactly(diffA, diffB);
    }

    @Test
    void loadsOciLayoutWithGzipAndZstdLayers() throws Exception {
        byte[] gzipA = Tars.gzip(layerA);
        byte[] zstdB = Tars.zstd(layerB);
        byte[] archive = Fixtures.ociLayout(List.of(gzipA, zstdB),
                List.of(MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_ZSTD), List.of(diffA, diffB),
                Map.of(Descriptor.CONTAINERD_IMAGE_NAME, "docker.io/library/busybox:oci",
                        Descriptor.REF_NAME, "oci"));

        Image image = single(load(archive));
        assertThat(image.tags()).extracting(ImageReference::familiar).containsExactly("busybox:oci");
        assertThat(image.record().layers()).containsExactly(Digest.of(gzipA), Digest.of(zstdB));
        assertThat(handled).extracting(StoredLayer::diffId).containsExactly(diffA, diffB);
        assertThat(handled).extracting(l -> l.blob().mediaType())
                .containsExactly(MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_ZSTD);
        assertThat(handled.getFirst().uncompressedSize()).isEqualTo(layerA.length);
        // The layout's manifest is kept byte for byte: its digest is the image's target.
        assertThat(content.exists(image.record().manifest())).isTrue();
    }

    @Test
    void picksTheHostPlatformFromANestedIndex() throws Exception {
        byte[] configBytes = Fixtures.config(List.of(diffA));
        byte[] manifest = ImageJson.write(Manifest.of(MediaTypes.OCI_MANIFEST,
                Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(configBytes), configBytes.length),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER, diffA, layerA.length))));
        Digest missing = Digest.of(Fixtures.utf8("not in the archive"));
        Platform other = Platform.host().architecture().equals("s390x")
                ? Platform.of("linux", "ppc64le") : Platform.of("linux", "s390x");
        byte[] nested = ImageJson.write(Index.of(MediaTypes.OCI_INDEX, List.of(
                Descriptor.of(MediaTypes.OCI_MANIFEST, missing, 100).withPlatform(other),
                Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.of(manifest), manifest.length)
                        .withPlatform(Platform.host()))));
        byte[] archive = new Tars()
                .file("blobs/sha256/" + Fixtures.hex(layerA), layerA)
                .file("blobs/sha256/" + Fixtures.hex(configBytes), configBytes)
                .file("blobs/sha256/" + Fixtures.hex(manifest), manifest)
                .file("blobs/sha256/" + Fixtures.hex(nested), nested)
                .file("index.json", ImageJson.write(Index.of(MediaTypes.OCI_INDEX, List.of(
                        Descriptor.of(MediaTypes.OCI_INDEX, Digest.of(nested), nested.length)
                                .withAnnotations(Map.of(Descriptor.REF_NAME, "multi:1"))))))
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .bytes();

        Image image = single(load(archive));
        assertThat(image.id()).isEqualTo(Digest.of(configBytes));
        assertThat(image.tags()).extracting(ImageReference::familiar).containsExactly("multi:1");
    }

    @Test
    void saveThenLoadGivesTheSameImagesInBothFormats() throws Exception {
        byte[] oci = Fixtures.ociLayout(List.of(Tars.gzip(layerA), layerB),
                List.of(MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER), List.of(diffA, diffB),
                Map.of(Descriptor.CONTAINERD_IMAGE_NAME, "docker.io/library/app:1"));
        Image original = single(load(oci));
        store.tag(original.id(), ImageReference.parse("app:2"));

        for (ArchiveFormat format : ArchiveFormat.values()) {
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            new ImageSaver(store).save(List.of("app"), format, saved);

            Path otherRoot = root.resolve("other-" + format);
            FileContentStore otherContent = FileContentStore.open(otherRoot);
            ImageStore other = ImageStore.open(otherRoot, otherContent);
            LoadResult result = new ImageLoader(other).load(new ByteArrayInputStream(saved.toByteArray()),
                    LayerHandler.NONE);

            Image loaded = other.resolve("app:1");
            assertThat(loaded.id()).isEqualTo(original.id());
            assertThat(loaded.tags()).extracting(ImageReference::familiar).containsExactly("app:1", "app:2");
            assertThat(loaded.record().layers()).isEqualTo(original.record().layers());
            assertThat(result.messages()).containsExactly("Loaded image: app:1", "Loaded image: app:2");
            for (Digest blob : original.record().blobs()) {
                assertThat(otherContent.read(blob, 1 << 20)).isEqualTo(content.read(blob, 1 << 20));
            }
        }
    }

    @Test
    void savedTarIsReproducibleAndLaidOutLikeDocker25() throws Exception {
        single(load(docker25Archive(Fixtures.config(List.of(diffA, diffB)), "busybox:latest")));
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        new ImageSaver(store).save(List.of("busybox:latest"), ArchiveFormat.DOCKER, first);
        new ImageSaver(store).save(List.of("busybox:latest"), ArchiveFormat.DOCKER, second);
        assertThat(first.toByteArray()).isEqualTo(second.toByteArray());

        List<String> names = new ArrayList<>();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new ByteArrayInputStream(first.toByteArray()))) {
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertThat(names).contains("blobs/", "blobs/sha256/", "index.json", "manifest.json", "oci-layout",
                "repositories", "blobs/sha256/" + Fixtures.hex(layerA));
    }

    @Test
    void aLoadTakesTagsFromOtherImagesAndSaysSo() throws Exception {
        Image first = single(load(docker25Archive(Fixtures.config(List.of(diffA, diffB)), "busybox:latest")));
        byte[] newer = Fixtures.config(List.of(diffA, diffB)).clone();
        byte[] changed = new String(newer, java.nio.charset.StandardCharsets.UTF_8)
                .replace("PATH=/bin", "PATH=/usr/bin").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        LoadResult result = load(docker25Archive(changed, "busybox:latest"));
        assertThat(result.messages()).containsExactly(
                "The image busybox:latest already exists, renaming the old one with ID " + first.id()
                        + " to empty string",
                "Loaded image: busybox:latest");
        assertThat(store.get(first.id()).orElseThrow().isDangling()).isTrue();
    }

    @Test
    void refusesEntriesThatEscapeTheArchive() throws Exception {
        byte[] config = Fixtures.config(List.of(diffA, diffB));
        byte[] base = docker25Archive(config, "x:1");
        for (Tars evil : List.of(
                new Tars().file("../evil", "x"),
                new Tars().file("/etc/evil", "x"),
                new Tars().file("blobs/../../evil", "x"),
                new Tars().symlink("layer.tar", "../../etc/shadow"),
                new Tars().symlink("abs.tar", "/etc/shadow"))) {
            byte[] archive = concat(evil, base);
            assertThatThrownBy(() -> load(archive))
                    .isInstanceOf(ImageException.class)
                    .hasMessageStartingWith("archive entry \"")
                    .hasMessageFindingMatch("(path escapes the archive|points outside the archive)");
            assertNothingStored();
        }
    }

    /** The evil entries first, then the entries of a good archive. */
    private static byte[] concat(Tars evil, byte[] good) throws IOException {
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new ByteArrayInputStream(good))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.isDirectory()) {
                    evil.directory(entry.getName());
                } else {
                    evil.file(entry.getName(), in.readAllBytes());
                }
            }
        }
        return evil.bytes();
    }

    @Test
    void missingLayerWrongDiffIdAndWrongConfigDigestLeaveNothing() throws Exception {
        byte[] config = Fixtures.config(List.of(diffA, diffB));
        String configPath = "blobs/sha256/" + Fixtures.hex(config);
        String manifest = "[{\"Config\":\"" + configPath + "\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"blobs/sha256/"
                + Fixtures.hex(layerA) + "\",\"blobs/sha256/" + Fixtures.hex(layerB) + "\"]}]";
        byte[] large = new byte[2 * 1024 * 1024]; // staged in an ingest, not in memory
        new java.util.Random(1).nextBytes(large);

        byte[] missingLayer = new Tars().file(configPath, config)
                .file("blobs/sha256/" + Fixtures.hex(layerA), layerA)
                .file("blobs/sha256/" + Fixtures.hex(large), large)
                .file("manifest.json", manifest).bytes();
        assertThatThrownBy(() -> load(missingLayer))
                .hasMessage("layer \"blobs/sha256/" + Fixtures.hex(layerB) + "\" of x:1: missing from the archive");
        assertNothingStored();

        byte[] swapped = new Tars().file(configPath, config)
                .file("blobs/sha256/" + Fixtures.hex(layerA), layerA)
                .file("blobs/sha256/" + Fixtures.hex(layerB), layerB)
                .file("manifest.json", manifest.replace(Fixtures.hex(layerA) + "\",\"blobs/sha256/" + Fixtures.hex(layerB),
                        Fixtures.hex(layerB) + "\",\"blobs/sha256/" + Fixtures.hex(layerA))).bytes();
        assertThatThrownBy(() -> load(swapped)).hasMessage(
                "x:1: invalid diffID for layer 0: expected \"" + diffA + "\", got \"" + diffB + "\"");
        assertNothingStored();

        byte[] tampered = new Tars().file(configPath, Fixtures.config(List.of(diffB, diffA)))
                .file("blobs/sha256/" + Fixtures.hex(layerA), layerA)
                .file("blobs/sha256/" + Fixtures.hex(layerB), layerB)
                .file("manifest.json", manifest).bytes();
        assertThatThrownBy(() -> load(tampered))
                .hasMessageStartingWith("config \"" + configPath + "\" of x:1: digest mismatch: got sha256:");
        assertNothingStored();

        byte[] corruptBlob = new Tars().file(configPath, config)
                .file("blobs/sha256/" + Fixtures.hex(layerA), layerB)
                .file("blobs/sha256/" + Fixtures.hex(layerB), layerB)
                .file("manifest.json", manifest).bytes();
        assertThatThrownBy(() -> load(corruptBlob))
                .hasMessage("layer \"blobs/sha256/" + Fixtures.hex(layerA) + "\" of x:1: digest mismatch: got " + diffB);
        assertNothingStored();

        byte[] shortManifest = new Tars().file(configPath, config)
                .file("blobs/sha256/" + Fixtures.hex(layerA), layerA)
                .file("manifest.json", "[{\"Config\":\"" + configPath + "\",\"Layers\":[\"blobs/sha256/"
                        + Fixtures.hex(layerA) + "\"]}]").bytes();
        assertThatThrownBy(() -> load(shortManifest)).hasMessage(
                "image " + configPath + ": invalid manifest, layers length mismatch: expected 2, got 1");
        assertNothingStored();
    }

    @Test
    void ociLayoutBlobsAreCheckedAgainstTheirDescriptors() throws Exception {
        byte[] archive = Fixtures.ociLayout(List.of(layerA), List.of(MediaTypes.OCI_LAYER), List.of(diffA), Map.of());
        // Replace the layer blob's content, keeping its name: the digest no longer matches.
        byte[] tampered = new String(archive, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("first layer", "FIRST LAYER").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> load(tampered))
                .hasMessage("blob " + diffA + ": digest mismatch: got " + Digest.of(Fixtures.layer("a", "FIRST LAYER")));
        assertNothingStored();
    }

    @Test
    void notAnArchiveAndNotAnImageArchiveAreRefused() throws Exception {
        assertThatThrownBy(() -> load(Fixtures.utf8("this is not a tar file, just some text that is long enough")))
                .hasMessageStartingWith("archive: not a readable tar stream");
        assertThatThrownBy(() -> load(new Tars().file("hello.txt", "hi").bytes()))
                .hasMessage("archive: no manifest.json or index.json: not a docker save archive or OCI image layout");
        assertThatThrownBy(() -> load(new byte[0])).hasMessage("archive: empty input");
        assertNothingStored();
    }

    @Test
    void aFailingLayerHandlerAbortsTheLoadCleanly() throws Exception {
        byte[] archive = docker25Archive(Fixtures.config(List.of(diffA, diffB)), "x:1");
        LayerHandler failing = layer -> {
            throw ImageException.internal("unpack layer " + layer.diffId() + ": disk on fire", null);
        };
        assertThatThrownBy(() -> new ImageLoader(store).load(new ByteArrayInputStream(archive), failing))
                .hasMessage("unpack layer " + diffA + ": disk on fire");
        assertNothingStored();
    }

    @Test
    void aLoadKeepsBlobsThatAnotherImageAlreadyHad() throws Exception {
        single(load(docker25Archive(Fixtures.config(List.of(diffA, diffB)), "x:1")));
        List<BlobInfo> before = content.list();
        byte[] bad = new Tars().file("blobs/sha256/" + Fixtures.hex(layerA), layerA)
                .file("manifest.json", "[{\"Config\":\"missing.json\",\"Layers\":[]}]").bytes();
        assertThatThrownBy(() -> load(bad)).hasMessage("config \"missing.json\" of image missing.json: missing from the archive");
        assertThat(content.list()).hasSameSizeAs(before);
    }
}
