package dev.berth.image.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.content.FileContentStore;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageStore;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.Platform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives against a real third-party reader and writer: Debian's skopeo. Skipped, saying why,
 * where skopeo is not installed.
 */
@Tag("interop")
class SkopeoInteropTest {
    private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    @TempDir
    Path root;
    ImageStore store;
    Image busybox;

    @BeforeEach
    void importBusybox() throws Exception {
        // scripts/test installs skopeo and sets berth.requireRoot: there, missing it is a failure.
        boolean required = Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT"));
        if (required) {
            Assertions.assertTrue(Files.isExecutable(SKOPEO), "needs skopeo (scripts/install-deps installs it)");
        }
        Assumptions.assumeTrue(Files.isExecutable(SKOPEO), "needs skopeo (Debian: apt-get install skopeo)");
        store = ImageStore.open(root.resolve("berth"), FileContentStore.open(root.resolve("berth")));
        busybox = new ImageImporter(store).importTarball(new ByteArrayInputStream(BusyboxRootfs.tar()),
                ImageImporter.Options.defaults().named(ImageReference.parse("busybox:latest")), LayerHandler.NONE);
    }

    @Test
    void skopeoReadsWhatBerthSaves() throws Exception {
        Path archive = root.resolve("busybox.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            new ImageSaver(store).save(List.of("busybox"), ArchiveFormat.DOCKER, out);
        }

        JsonNode inspect = new ObjectMapper().readTree(skopeo("inspect", "docker-archive:" + archive));

        List<String> layers = new ArrayList<>();
        inspect.get("Layers").forEach(layer -> layers.add(layer.asText()));
        assertThat(layers).containsExactly(busybox.record().layers().getFirst().toString());
        assertThat(inspect.get("Architecture").asText()).isEqualTo(Platform.host().architecture());
        assertThat(inspect.get("Os").asText()).isEqualTo("linux");

        // The same file read as an OCI archive: the layout inside is complete on its own.
        JsonNode asOci = new ObjectMapper().readTree(skopeo("inspect", "oci-archive:" + archive));
        assertThat(asOci.get("Layers").get(0).asText()).isEqualTo(busybox.record().layers().getFirst().toString());
    }

    @Test
    void berthLoadsWhatSkopeoCopiesFromAnOciLayout() throws Exception {
        Path layout = root.resolve("layout");
        new ImageSaver(store).saveLayout(List.of("busybox:latest"), layout);
        Path archive = root.resolve("from-skopeo.tar");

        skopeo("copy", "oci:" + layout, "docker-archive:" + archive + ":busybox:from-skopeo");

        ImageStore other = ImageStore.open(root.resolve("other"), FileContentStore.open(root.resolve("other")));
        try (InputStream in = Files.newInputStream(archive)) {
            new ImageLoader(other).load(in, LayerHandler.NONE);
        }
        Image loaded = other.resolve("busybox:from-skopeo");
        assertThat(loaded.id()).isEqualTo(busybox.id()); // skopeo keeps the config byte for byte
        assertThat(loaded.record().layers()).containsExactly(busybox.record().layers().getFirst());
    }

    @Test
    void berthLoadsAnOciArchiveSkopeoWritesWithCompressedLayers() throws Exception {
        Path layout = root.resolve("layout");
        new ImageSaver(store).saveLayout(List.of("busybox:latest"), layout);
        Path archive = root.resolve("oci.tar");

        skopeo("copy", "--dest-compress-format", "zstd", "oci:" + layout, "oci-archive:" + archive + ":busybox:zstd");

        ImageStore other = ImageStore.open(root.resolve("other"), FileContentStore.open(root.resolve("other")));
        try (InputStream in = Files.newInputStream(archive)) {
            new ImageLoader(other).load(in, LayerHandler.NONE);
        }
        Image loaded = other.resolve("busybox:zstd");
        assertThat(loaded.id()).isEqualTo(busybox.id());
        Digest layerBlob = loaded.record().layers().getFirst();
        assertThat(layerBlob).isNotEqualTo(busybox.record().layers().getFirst()); // compressed now
    }

    private String skopeo(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SKOPEO.toString(), "--insecure-policy", "--tmpdir", root.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("skopeo %s: %s", String.join(" ", args), text).isZero();
        return text;
    }
}
