package dev.berth.daemon.image;

import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.image.ImageException;
import dev.berth.image.archive.ImageCommitter;
import dev.berth.image.archive.LayerHandler;
import dev.berth.image.reference.ImageReference;
import dev.berth.image.store.Image;
import dev.berth.image.store.ImageStore;
import dev.berth.oci.image.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image side of {@code docker commit}: names the new image, applies the {@code --change}
 * instructions to the container's config (the same instructions as {@code docker import}'s, with
 * {@code ENV}, {@code LABEL} and {@code EXPOSE} added to what the config has, the others
 * replacing it), stores the child image through {@link ImageCommitter} and publishes the image
 * event the commit causes ({@code tag}, for a named commit, as dockerd).
 */
final class ImageCommits {
    private final ImageStore store;
    private final LayerHandler layers;
    private final EventBus events;

    ImageCommits(ImageStore store, LayerHandler layers, EventBus events) {
        this.store = store;
        this.layers = layers;
        this.events = events;
    }

    String commit(ImageService.CommitRequest request, ImageCommitter.LayerSource layer) {
        ImageReference name = name(request.repo(), request.tag());
        ImageConfig.Config config = withChanges(request.config(), request.changes());
        Image image = ImageErrors.call(() -> {
            Image parent = store.resolve(request.parentImageId());
            return new ImageCommitter(store).commit(parent, layer,
                    new ImageCommitter.Options(name, config, request.createdBy(), empty(request.author()),
                            empty(request.comment())), layers);
        });
        String id = image.id().toString();
        if (name != null) {
            events.publish(EventType.IMAGE, "tag", id, Map.of("name", name.familiar()));
        }
        return id;
    }

    private static String empty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static ImageReference name(String repo, String tag) {
        if (repo == null || repo.isEmpty()) {
            if (tag != null && !tag.isEmpty()) {
                throw ApiException.invalid("tag is not allowed without a repository");
            }
            return null;
        }
        return ImageErrors.call(() -> {
            ImageReference r = ImageReference.parse(repo);
            if (r.digest() != null) {
                throw ImageException.invalid("refusing to create a tag with a digest reference");
            }
            if (tag != null && !tag.isEmpty()) {
                if (!ImageReference.isValidTag(tag)) {
                    throw ImageException.invalid("invalid tag format");
                }
                r = r.withTag(tag);
            }
            return r.withDefaultTag();
        });
    }

    /** {@code base} with the {@code --change} instructions applied. */
    static ImageConfig.Config withChanges(ImageConfig.Config base, List<String> changes) {
        ImageConfig.Config b = base == null ? ImageConfig.Config.empty() : base;
        if (changes.isEmpty()) {
            return b;
        }
        ImageConfig.Config c = ImportChanges.apply(changes);
        return new ImageConfig.Config(
                c.user() != null ? c.user() : b.user(),
                merged(b.exposedPorts(), c.exposedPorts()),
                env(b.env(), c.env()),
                c.entrypoint() != null ? c.entrypoint() : b.entrypoint(),
                c.cmd() != null ? c.cmd() : b.cmd(),
                b.volumes(),
                c.workingDir() != null ? c.workingDir() : b.workingDir(),
                merged(b.labels(), c.labels()),
                c.stopSignal() != null ? c.stopSignal() : b.stopSignal(),
                b.argsEscaped(), b.healthcheck(), b.onBuild(), b.shell());
    }

    private static <V> Map<String, V> merged(Map<String, V> base, Map<String, V> added) {
        if (added == null) {
            return base;
        }
        Map<String, V> out = new LinkedHashMap<>(base == null ? Map.of() : base);
        out.putAll(added);
        return out;
    }

    /** {@code ENV K=V} replaces {@code K}'s value where the config has it, and is appended otherwise. */
    private static List<String> env(List<String> base, List<String> added) {
        if (added == null) {
            return base;
        }
        List<String> out = new ArrayList<>(base == null ? List.of() : base);
        for (String kv : added) {
            String key = kv.substring(0, kv.indexOf('='));
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).startsWith(key + "=") || out.get(i).equals(key)) {
                    at = i;
                }
            }
            if (at >= 0) {
                out.set(at, kv);
            } else {
                out.add(kv);
            }
        }
        return out;
    }
}
