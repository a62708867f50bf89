package dev.berth.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.image.registry.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Test images with layers of random bytes, written as an OCI layout and pushed to a
 * {@link TestRegistry} by Debian's skopeo, a real third-party client, so that what a pull reads
 * was not written by Berth. Random content makes each layer's gzip incompressible: a byte changed
 * in the middle of the blob changes a data byte, not the compression structure.
 */
public final class TestImages {
    static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    private TestImages() {}

    /** An image pushed to a registry: its reference, layer digests and chain IDs, base first. */
    public record Image(String ref, String manifestDigest, List<String> layerDigests, List<Integer> layerSizes,
            List<String> chainIds) {
        /** The reference with another registry host, for pulling the same image through a proxy. */
        public String via(String host) {
            return host + ref.substring(ref.indexOf('/'));
        }
    }

    /** Skips without skopeo, except where root tests are required (there it fails). */
    public static void assumeSkopeo() {
        boolean installed = Files.isExecutable(SKOPEO);
        if (!installed && (Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT")))) {
            throw new AssertionError("skopeo is missing (scripts/install-deps installs it), and berth.requireRoot is set");
        }
        assumeTrue(installed, "needs skopeo to push test images to the registry");
    }

    /**
     * Writes an OCI layout under {@code work} with one layer of random bytes per size and pushes
     * it as {@code <registryHost>/<repository>:v1}.
     */
    public static Image push(Path work, String registryHost, String repository, Random random, int... sizes)
            throws Exception {
        List<byte[]> blobs = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] content = new byte[sizes[i]];
            random.nextBytes(content);
            byte[] tar = tar("layer" + i + "/data", content);
            blobs.add(gzip(tar));
            diffIds.add(sha256(tar));
        }
        return pushLayers(work, registryHost, repository, blobs, diffIds);
    }

    /**
     * Pushes an image of the given layer blobs (gzip media type, whatever the bytes are) whose
     * config names {@code diffIds}, as {@code <registryHost>/<repository>:v1}: for layers that a
     * test broke on purpose, which the registry stores as they are.
     */
    public static Image pushLayers(Path work, String registryHost, String repository, List<byte[]> layerBlobs,
            List<String> diffIds) throws Exception {
        Path layout = Files.createDirectories(work.resolve("layout-" + repository.replace('/', '-')));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        List<String> layers = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        List<Integer> blobSizes = new ArrayList<>();
        for (byte[] gz : layerBlobs) {
            String digest = put(blobs, gz);
            digests.add(digest);
            blobSizes.add(gz.length);
            layers.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + digest
                    + "\",\"size\":" + gz.length + "}");
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + String.join("\",\"", diffIds) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = put(blobs, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[" + String.join(",", layers) + "]}")
                .getBytes(StandardCharsets.UTF_8);
        String manifestDigest = put(blobs, manifest);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
        String ref = registryHost + "/" + repository + ":v1";
        Process skopeo = new ProcessBuilder(SKOPEO.toString(), "copy", "-q", "--dest-tls-verify=false",
                "oci:" + layout + ":v1", "docker://" + ref).redirectErrorStream(true).start();
        String out = new String(skopeo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(skopeo.waitFor()).as("skopeo copy: " + out).isZero();
        List<String> chains = new ArrayList<>();
        String chain = null;
        for (String diffId : diffIds) {
            chain = chain == null ? diffId : sha256((chain + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chains.add(chain);
        }
        return new Image(ref, manifestDigest, digests, blobSizes, chains);
    }

    /** {@code sha256:<hex>} of {@code data}. */
    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static String put(Path blobs, byte[] data) throws IOException {
        String digest = sha256(data);
        Files.write(blobs.resolve(digest.substring(7)), data);
        return digest;
    }

    public static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
