package dev.berth.image.registry;

import dev.berth.image.content.ContentStore;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.runtime.OciJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Images made up for tests: random-content layers as gzip tars, a config that lists them, a manifest. */
final class TestImages {
    private TestImages() {}

    /** An image whose blobs are all in memory ({@link #blobs()}), by digest. */
    record TestImage(Descriptor manifest, byte[] manifestBytes, Descriptor config, List<Descriptor> layers,
            Map<Digest, byte[]> blobs) {

        void storeIn(ContentStore store) throws Exception {
            for (byte[] blob : blobs.values()) {
                store.put(blob, null);
            }
        }
    }

    static TestImage image(Random random, Platform platform, int... layerSizes) throws IOException {
        return image(random, platform, MediaTypes.DOCKER_MANIFEST, layerSizes);
    }

    static TestImage image(Random random, Platform platform, String manifestType, int... layerSizes) throws IOException {
        boolean oci = manifestType.equals(MediaTypes.OCI_MANIFEST);
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (int i = 0; i < layerSizes.length; i++) {
            byte[] content = new byte[layerSizes[i]];
            random.nextBytes(content);
            byte[] tar = tar("layer" + i + ".bin", content);
            byte[] gzip = gzip(tar);
            diffIds.add(Digest.of(tar).toString());
            layers.add(Descriptor.of(oci ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP,
                    Digest.of(gzip), gzip.length));
            blobs.put(Digest.of(gzip), gzip);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "2025-01-01T00:00:00Z");
        config.put("architecture", platform.architecture());
        if (platform.variant() != null) {
            config.put("variant", platform.variant());
        }
        config.put("os", platform.os());
        config.put("config", Map.of("Cmd", List.of("/bin/sh"), "Labels", Map.of("seed", Long.toString(random.nextLong()))));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        byte[] configBytes = OciJson.write(config);
        Descriptor configDescriptor = Descriptor.of(oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG,
                Digest.of(configBytes), configBytes.length);
        blobs.put(configDescriptor.digest(), configBytes);
        byte[] manifestBytes = ImageJson.write(Manifest.of(manifestType, configDescriptor, layers));
        Descriptor manifest = Descriptor.of(manifestType, Digest.of(manifestBytes), manifestBytes.length);
        blobs.put(manifest.digest(), manifestBytes);
        return new TestImage(manifest, manifestBytes, configDescriptor, layers, blobs);
    }

    /** An OCI index over {@code images}, each entry with its platform. */
    static TestImage index(List<TestImage> images, List<Platform> platforms) {
        List<Descriptor> entries = new ArrayList<>();
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            entries.add(images.get(i).manifest().withPlatform(platforms.get(i)));
            blobs.putAll(images.get(i).blobs());
        }
        byte[] bytes = ImageJson.write(Index.of(MediaTypes.OCI_INDEX, entries));
        Descriptor index = Descriptor.of(MediaTypes.OCI_INDEX, Digest.of(bytes), bytes.length);
        blobs.put(index.digest(), bytes);
        return new TestImage(index, bytes, null, List.of(), blobs);
    }

    static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            entry.setMode(0644);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        }
        return out.toByteArray();
    }
}
