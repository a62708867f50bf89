package dev.berth.image.archive;

import dev.berth.image.ImageException;
import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.ImageJson;
import dev.berth.oci.image.InvalidImageException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the images of a {@code docker save} archive through its {@code manifest.json}, in all
 * the layouts that write one: Docker 25+ ({@code blobs/sha256/<hex>}), older Docker
 * ({@code <hex>.json}, {@code <id>/layer.tar}, repeated layers as symlinks) and skopeo
 * ({@code <hex>.tar} with {@code <id>/layer.tar} symlinks to them). Every path a manifest
 * names is looked up inside the archive only.
 *
 * <p>Checks, with moby's wording where it has one: a config or layer whose path names a digest
 * must have that digest; the layer count must match the config's {@code rootfs.diff_ids}
 * ({@code invalid manifest, layers length mismatch: expected 2, got 1}); and each layer's
 * uncompressed digest must be its diffID ({@code invalid diffID for layer 0: expected …}).
 */
final class DockerArchiveReader {
    private static final Pattern BLOB_PATH = Pattern.compile("blobs/([a-z0-9]+)/([a-f0-9]+)");
    private static final Pattern HEX_FILE = Pattern.compile("(?:.*/)?([a-f0-9]{64})\\.(?:json|tar)");

    private DockerArchiveReader() {}

    static List<ImageCandidate> read(StagedArchive archive) throws ImageException {
        byte[] json = archive.readSmall(DockerManifestItem.FILE_NAME, DockerManifestItem.FILE_NAME);
        DockerManifestItem[] items;
        try {
            items = ImageJson.read(json, DockerManifestItem[].class, DockerManifestItem.FILE_NAME);
        } catch (InvalidImageException e) {
            throw ImageException.invalid(e.getMessage(), e);
        }
        List<ImageCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            candidates.add(candidate(archive, items[i], i));
        }
        return candidates;
    }

    private static ImageCandidate candidate(StagedArchive archive, DockerManifestItem item, int index)
            throws ImageException {
        String field = DockerManifestItem.FILE_NAME + ": [" + index + "]";
        if (item.config() == null || item.config().isEmpty()) {
            throw ImageException.invalid(field + ".Config: required");
        }
        if (item.layers() == null) {
            throw ImageException.invalid(field + ".Layers: required");
        }
        List<ImageReference> names = new ArrayList<>();
        for (String tag : item.repoTags() == null ? List.<String>of() : item.repoTags()) {
            ImageReference name = ImageReference.parse(tag);
            if (name.tag() == null || name.digest() != null) {
                throw ImageException.invalid("invalid tag \"" + tag + "\"");
            }
            names.add(name);
        }
        String source = names.isEmpty() ? "image " + item.config() : names.getFirst().familiar();

        String configWhat = "config \"" + item.config() + "\" of " + source;
        byte[] configBytes = archive.readSmall(item.config(), configWhat);
        checkNamedDigest(item.config(), Digest.of(configBytes), configWhat);
        ImageConfig config;
        try {
            config = ImageJson.readConfig(configBytes, configWhat);
        } catch (InvalidImageException e) {
            throw ImageException.invalid(e.getMessage(), e);
        }
        List<Digest> diffIds = config.diffIds();
        if (diffIds.size() != item.layers().size()) {
            throw ImageException.invalid(source + ": invalid manifest, layers length mismatch: expected "
                    + diffIds.size() + ", got " + item.layers().size());
        }

        List<StagedFile> layers = new ArrayList<>();
        List<String> mediaTypes = new ArrayList<>();
        for (int i = 0; i < item.layers().size(); i++) {
            String path = item.layers().get(i);
            String what = "layer \"" + path + "\" of " + source;
            StagedFile layer = archive.find(path)
                    .orElseThrow(() -> ImageException.invalid(what + ": missing from the archive"));
            checkNamedDigest(path, layer.digest(), what);
            LayerDigest digest = layer.layerDigest().require(what);
            if (!digest.diffId().equals(diffIds.get(i))) {
                throw ImageException.invalid(source + ": invalid diffID for layer " + i + ": expected \""
                        + diffIds.get(i) + "\", got \"" + digest.diffId() + "\"");
            }
            layers.add(layer);
            mediaTypes.add(digest.compression().ociLayerMediaType());
        }
        return new ImageCandidate(source, names, configBytes, config, layers, mediaTypes, null, null);
    }

    /**
     * A path that names a digest ({@code blobs/sha256/<hex>}, {@code <hex>.json}) promises
     * content with that digest. Only legacy layer paths ({@code <id>/layer.tar}) name nothing.
     */
    private static void checkNamedDigest(String path, Digest actual, String what) throws ImageException {
        String normal = EntryNames.normalize(path);
        Digest named = null;
        Matcher blob = BLOB_PATH.matcher(normal);
        Matcher hexFile = HEX_FILE.matcher(normal);
        if (blob.matches() && Digest.isValid(blob.group(1) + ":" + blob.group(2))) {
            named = Digest.parse(blob.group(1) + ":" + blob.group(2));
        } else if (hexFile.matches()) {
            named = Digest.sha256(hexFile.group(1));
        }
        if (named != null && named.algorithm().equals(Digest.SHA256) && !named.equals(actual)) {
            throw ImageException.invalid(what + ": digest mismatch: got " + actual);
        }
    }
}
