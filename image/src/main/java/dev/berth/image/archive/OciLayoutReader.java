package dev.berth.image.archive;

import dev.berth.image.ImageException;
import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.ImageLayout;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.InvalidImageException;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the images of an OCI image layout ({@code image-layout.md}: {@code oci-layout},
 * {@code index.json}, {@code blobs/<alg>/<hex>}) as written by {@code skopeo copy … oci:},
 * buildx or {@code docker save} with the containerd store. Every blob is checked against its
 * descriptor's digest and size; nested indexes are followed to the manifest for the host's
 * platform; descriptors that are not images (attestations, artifacts) are skipped.
 *
 * <p>Names come from the descriptors' annotations: {@code io.containerd.image.name} (a full
 * reference), else {@code org.opencontainers.image.ref.name} when it is a full reference
 * ({@code busybox:latest}); a bare tag ({@code latest}) names no repository, so such an image
 * is loaded untagged.
 */
final class OciLayoutReader {
    private static final int MAX_DEPTH = 4;

    private OciLayoutReader() {}

    static List<ImageCandidate> read(StagedArchive archive, Platform platform) throws ImageException {
        try {
            ImageJson.readLayout(archive.readSmall(ImageLayout.FILE_NAME, ImageLayout.FILE_NAME), ImageLayout.FILE_NAME);
            Index index = ImageJson.readIndex(
                    archive.readSmall(ImageLayout.INDEX_FILE_NAME, ImageLayout.INDEX_FILE_NAME),
                    ImageLayout.INDEX_FILE_NAME);
            List<ImageCandidate> candidates = new ArrayList<>();
            for (Descriptor descriptor : index.manifests()) {
                if (descriptor.platform() != null && !platform.matches(descriptor.platform())) {
                    continue;
                }
                ImageCandidate candidate = follow(archive, descriptor, names(descriptor), platform, 0);
                if (candidate != null) {
                    candidates.add(candidate);
                }
            }
            if (candidates.isEmpty()) {
                throw ImageException.invalid("index.json: no image for " + platform + " in the archive");
            }
            return candidates;
        } catch (InvalidImageException e) {
            throw ImageException.invalid(e.getMessage(), e);
        }
    }

    private static ImageCandidate follow(StagedArchive archive, Descriptor descriptor, List<ImageReference> names,
            Platform platform, int depth) throws ImageException, InvalidImageException {
        if (MediaTypes.isIndex(descriptor.mediaType())) {
            if (depth >= MAX_DEPTH) {
                throw ImageException.invalid("index " + descriptor.digest() + ": nested too deeply");
            }
            Index nested = ImageJson.readIndex(small(archive, descriptor), "index " + descriptor.digest());
            for (Descriptor child : nested.manifests()) {
                if (MediaTypes.isManifest(child.mediaType())
                        && (child.platform() == null || platform.matches(child.platform()))) {
                    return follow(archive, child, names, platform, depth + 1);
                }
            }
            throw ImageException.invalid("index " + descriptor.digest() + ": no image for " + platform);
        }
        if (!MediaTypes.isManifest(descriptor.mediaType())) {
            return null; // not an image: an attestation, a signature, an artifact
        }
        return candidate(archive, descriptor, names);
    }

    private static ImageCandidate candidate(StagedArchive archive, Descriptor descriptor, List<ImageReference> names)
            throws ImageException, InvalidImageException {
        String source = names.isEmpty() ? "manifest " + descriptor.digest() : names.getFirst().familiar();
        byte[] manifestBytes = small(archive, descriptor);
        Manifest manifest = ImageJson.readManifest(manifestBytes, "manifest " + descriptor.digest());
        byte[] configBytes = small(archive, manifest.config());
        ImageConfig config = ImageJson.readConfig(configBytes, "config " + manifest.config().digest());
        List<Digest> diffIds = config.diffIds();
        if (diffIds.size() != manifest.layers().size()) {
            throw ImageException.invalid(source + ": invalid manifest, layers length mismatch: expected "
                    + diffIds.size() + ", got " + manifest.layers().size());
        }
        List<StagedFile> layers = new ArrayList<>();
        List<String> mediaTypes = new ArrayList<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor layerDescriptor = manifest.layers().get(i);
            StagedFile layer = blob(archive, layerDescriptor);
            LayerDigest digest = layer.layerDigest().require("layer " + layerDescriptor.digest() + " of " + source);
            if (!digest.diffId().equals(diffIds.get(i))) {
                throw ImageException.invalid(source + ": invalid diffID for layer " + i + ": expected \""
                        + diffIds.get(i) + "\", got \"" + digest.diffId() + "\"");
            }
            layers.add(layer);
            mediaTypes.add(layerDescriptor.mediaType());
        }
        String mediaType = manifest.mediaType() != null ? manifest.mediaType() : descriptor.mediaType();
        return new ImageCandidate(source, names, configBytes, config, layers, mediaTypes, manifestBytes, mediaType);
    }

    /** The staged blob a descriptor points at, checked against its digest and size. */
    private static StagedFile blob(StagedArchive archive, Descriptor descriptor) throws ImageException {
        Digest digest = descriptor.digest();
        if (!digest.algorithm().equals(Digest.SHA256)) {
            throw ImageException.invalid("blob " + digest + ": unsupported digest algorithm");
        }
        String path = "blobs/" + digest.algorithm() + "/" + digest.encoded();
        StagedFile file = archive.find(path)
                .orElseThrow(() -> ImageException.invalid("blob " + digest + ": missing from the archive"));
        if (!file.digest().equals(digest)) {
            throw ImageException.invalid("blob " + digest + ": digest mismatch: got " + file.digest());
        }
        if (file.size() != descriptor.size()) {
            throw ImageException.invalid("blob " + digest + ": size mismatch: expected "
                    + descriptor.size() + " bytes, got " + file.size());
        }
        return file;
    }

    private static byte[] small(StagedArchive archive, Descriptor descriptor) throws ImageException {
        blob(archive, descriptor);
        Digest digest = descriptor.digest();
        return archive.readSmall("blobs/" + digest.algorithm() + "/" + digest.encoded(), "blob " + digest);
    }

    private static List<ImageReference> names(Descriptor descriptor) throws ImageException {
        String full = descriptor.annotation(Descriptor.CONTAINERD_IMAGE_NAME);
        if (full == null) {
            String refName = descriptor.annotation(Descriptor.REF_NAME);
            if (refName != null && (refName.contains("/") || refName.contains(":"))
                    && ImageReference.isValid(refName)) {
                full = refName;
            }
        }
        if (full == null) {
            return List.of();
        }
        ImageReference name = ImageReference.parse(full);
        // A digest name would have to match the manifest; a load has no business inventing one.
        return name.digest() != null ? List.of() : List.of(name.withDefaultTag());
    }
}
