package dev.berth.oci.image;

import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.OciJson;
import java.util.List;

/**
 * Reads and writes the image spec's JSON documents with the same mapper and the same error
 * convention as the runtime spec's ({@link OciJson}): unknown fields are ignored, values of the
 * wrong JSON type are errors, and every error is one line naming the document and the field.
 *
 * <p>Reading checks what a document needs to be usable, beyond its JSON types: the schema
 * version, the required descriptors, and that a manifest is not an index. Docker's schema 1
 * manifests are recognised and refused with a message that says so. Writing is compact and
 * omits absent fields; the bytes written are the bytes to digest.
 */
public final class ImageJson {
    private ImageJson() {}

    /** Reads an OCI manifest or Docker schema 2 manifest; {@code source} names it in errors. */
    public static Manifest readManifest(byte[] json, String source) throws InvalidImageException {
        Manifest manifest = read(json, Manifest.class, source);
        if (manifest.schemaVersion() == 1 || MediaTypes.isSchema1(manifest.mediaType())) {
            throw new InvalidImageException(source + ": docker image manifest schema 1 is not supported");
        }
        checkSchemaVersion(source, manifest.schemaVersion());
        if (manifest.mediaType() != null && !MediaTypes.isManifest(manifest.mediaType())) {
            throw new InvalidImageException(
                    source + ": mediaType: expected an image manifest, got \"" + manifest.mediaType() + "\"");
        }
        if (manifest.config() == null) {
            throw new InvalidImageException(source + ": config: required");
        }
        checkDescriptor(source, "config", manifest.config());
        checkDescriptors(source, "layers", manifest.layers());
        return manifest;
    }

    /** Reads an OCI index, a Docker manifest list or a layout's {@code index.json}. */
    public static Index readIndex(byte[] json, String source) throws InvalidImageException {
        Index index = read(json, Index.class, source);
        checkSchemaVersion(source, index.schemaVersion());
        if (index.mediaType() != null && !MediaTypes.isIndex(index.mediaType())) {
            throw new InvalidImageException(
                    source + ": mediaType: expected an image index, got \"" + index.mediaType() + "\"");
        }
        checkDescriptors(source, "manifests", index.manifests());
        return index;
    }

    /** Reads an image config; it must list its layers ({@code rootfs.diff_ids}). */
    public static ImageConfig readConfig(byte[] json, String source) throws InvalidImageException {
        ImageConfig config = read(json, ImageConfig.class, source);
        if (config.rootfs() == null) {
            throw new InvalidImageException(source + ": rootfs: required");
        }
        if (!"layers".equals(config.rootfs().type())) {
            throw new InvalidImageException(
                    source + ": rootfs.type: expected \"layers\", got \"" + config.rootfs().type() + "\"");
        }
        if (config.rootfs().diffIds() == null) {
            throw new InvalidImageException(source + ": rootfs.diff_ids: required");
        }
        return config;
    }

    /** Reads an {@code oci-layout} file; only layout version 1.x is understood. */
    public static ImageLayout readLayout(byte[] json, String source) throws InvalidImageException {
        ImageLayout layout = read(json, ImageLayout.class, source);
        String version = layout.imageLayoutVersion();
        if (version == null || !version.startsWith("1.")) {
            throw new InvalidImageException(source + ": imageLayoutVersion: unsupported version " + version);
        }
        return layout;
    }

    /** Reads any of this package's records, checking JSON types only. */
    public static <T> T read(byte[] json, Class<T> type, String source) throws InvalidImageException {
        try {
            // OciJson.read is generic over record types and already speaks the error convention.
            return OciJson.read(json, type, source);
        } catch (InvalidSpecException e) {
            throw new InvalidImageException(e.getMessage(), e);
        }
    }

    /**
     * The media type of a manifest-like document that may not declare one (Docker schema 2
     * manifests and OCI manifests may omit {@code mediaType}): declared, else inferred from its
     * fields as containerd does ({@code manifests} → index, {@code config} → manifest,
     * {@code fsLayers} → schema 1).
     */
    public static String mediaTypeOf(byte[] json, String source) throws InvalidImageException {
        Sniff sniff = read(json, Sniff.class, source);
        if (sniff.mediaType() != null && !sniff.mediaType().isEmpty()) {
            return sniff.mediaType();
        }
        if (sniff.schemaVersionOrZero() == 1 || sniff.fsLayers() != null) {
            return MediaTypes.DOCKER_SCHEMA1_MANIFEST;
        }
        if (sniff.manifests() != null) {
            return MediaTypes.OCI_INDEX;
        }
        if (sniff.config() != null) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw new InvalidImageException(source + ": not an image manifest or index");
    }

    /** Compact JSON, the form that is digested and stored. */
    public static byte[] write(Object value) {
        return OciJson.write(value);
    }

    /** Indented JSON for people. */
    public static String writePretty(Object value) {
        return OciJson.writePretty(value);
    }

    private static void checkSchemaVersion(String source, int version) throws InvalidImageException {
        if (version != 2) {
            throw new InvalidImageException(source + ": schemaVersion: expected 2, got " + version);
        }
    }

    private static void checkDescriptors(String source, String field, List<Descriptor> descriptors)
            throws InvalidImageException {
        if (descriptors == null) {
            throw new InvalidImageException(source + ": " + field + ": required");
        }
        for (int i = 0; i < descriptors.size(); i++) {
            checkDescriptor(source, field + "[" + i + "]", descriptors.get(i));
        }
    }

    private static void checkDescriptor(String source, String field, Descriptor descriptor)
            throws InvalidImageException {
        if (descriptor.mediaType() == null || descriptor.mediaType().isEmpty()) {
            throw new InvalidImageException(source + ": " + field + ".mediaType: required");
        }
        if (descriptor.digest() == null) {
            throw new InvalidImageException(source + ": " + field + ".digest: required");
        }
        if (descriptor.size() < 0) {
            throw new InvalidImageException(
                    source + ": " + field + ".size: must not be negative, got " + descriptor.size());
        }
    }

    /** The fields that tell manifests, indexes and schema 1 apart. */
    record Sniff(Integer schemaVersion, String mediaType, Object manifests, Object config, Object fsLayers) {
        int schemaVersionOrZero() {
            return schemaVersion == null ? 0 : schemaVersion;
        }
    }
}
