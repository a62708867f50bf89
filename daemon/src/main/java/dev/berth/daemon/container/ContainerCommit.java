package dev.berth.daemon.container;

import dev.berth.daemon.api.image.CommitBackend;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.image.ImageService;
import dev.berth.image.ImageException;
import dev.berth.image.layer.LayerDiff;
import dev.berth.image.snapshot.Mount;
import dev.berth.oci.image.ImageConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code docker commit}: a container's writable layer (the overlay upper directory, written as a
 * layer tar with OCI whiteouts by {@link LayerDiff}) on top of its image, with the container's
 * config as the new image's defaults, the request's config overrides merged in as moby's
 * {@code merge} does, and the {@code --change} instructions applied last. The container is frozen
 * while its layer is read unless the client asks for no pause, and its lock keeps a start or
 * stop out meanwhile. The init layer under the writable layer is not part of the image.
 */
public final class ContainerCommit implements CommitBackend {
    private final ContainerService containers;
    private final ImageService images;
    private final EventBus events;

    public ContainerCommit(ContainerService containers, ImageService images, EventBus events) {
        this.containers = containers;
        this.images = images;
        this.events = events;
    }

    @Override
    public String commit(CommitRequest request, byte[] body) {
        ContainerConfig overrides = overrides(body);
        record Done(ContainerRecord container, String imageId) {}
        Done done = containers.withRootfs(request.container(), request.pause(), (r, rootfs) -> {
            Path upper = upperOf(r);
            ContainerConfig config = merge(overrides, r.config());
            String id = images.commit(new ImageService.CommitRequest(r.imageId(), imageConfig(config),
                    request.changes(), request.repo(), request.tag(), String.join(" ", r.config().cmdOrEmpty()),
                    request.author(), request.comment()), out -> LayerDiff.writeOverlay(upper, out));
            return new Done(r, id);
        });
        String ref = request.repo().isEmpty() ? ""
                : request.repo() + ":" + (request.tag().isEmpty() ? "latest" : request.tag());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("comment", request.comment());
        attributes.put("imageID", done.imageId());
        attributes.put("imageRef", ref);
        attributes.put("name", done.container().shortName());
        attributes.put("image", done.container().image());
        events.publish(EventType.CONTAINER, "commit", done.container().id(), attributes);
        return done.imageId();
    }

    /** The request body: container config overrides, or none (the docker CLI sends {@code null}). */
    private static ContainerConfig overrides(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty() || text.equals("null")) {
            return null;
        }
        try {
            return CreateRequest.parse(body).config();
        } catch (InvalidContainerConfigException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private Path upperOf(ContainerRecord r) {
        try {
            List<Mount> mounts = images.snapshots().mounts(r.snapshot());
            Mount m = mounts.getFirst();
            if (mounts.size() == 1 && m.type().equals("overlay") && m.option("upperdir").isPresent()) {
                return Path.of(m.option("upperdir").orElseThrow());
            }
        } catch (ImageException e) {
            throw new ApiException(dev.berth.daemon.http.ErrorKind.INTERNAL,
                    "commit " + r.id() + ": " + e.getMessage(), e);
        }
        throw ApiException.notImplemented("commit " + r.id() + ": only containers on the overlay snapshotter can be"
                + " committed");
    }

    /** moby's {@code merge(userConf, imageConf)}: what the request leaves out comes from the container. */
    static ContainerConfig merge(ContainerConfig user, ContainerConfig container) {
        if (user == null) {
            return container;
        }
        List<String> env = new ArrayList<>(user.envOrEmpty());
        for (String kv : container.envOrEmpty()) {
            String key = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
            if (env.stream().noneMatch(e -> e.equals(key) || e.startsWith(key + "="))) {
                env.add(kv);
            }
        }
        boolean keepCommand = user.entrypointOrEmpty().isEmpty();
        return new ContainerConfig(user.hostname(), user.domainname(),
                empty(user.user()) ? container.user() : user.user(), user.attachStdin(), user.attachStdout(),
                user.attachStderr(), union(container.exposedPorts(), user.exposedPorts()), user.tty(), user.openStdin(),
                user.stdinOnce(), env,
                keepCommand && user.cmdOrEmpty().isEmpty() ? container.cmd() : user.cmd(), user.healthcheck() != null
                        ? user.healthcheck() : container.healthcheck(), user.argsEscaped(), user.image(),
                union(container.volumes(), user.volumes()),
                empty(user.workingDir()) ? container.workingDir() : user.workingDir(),
                keepCommand ? container.entrypoint() : user.entrypoint(), user.networkDisabled(),
                user.onBuild() != null ? user.onBuild() : container.onBuild(),
                union(container.labels(), user.labels()),
                empty(user.stopSignal()) ? container.stopSignal() : user.stopSignal(), user.stopTimeout(),
                user.shell() != null ? user.shell() : container.shell());
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static <V> Map<String, V> union(Map<String, V> base, Map<String, V> over) {
        if (base == null && over == null) {
            return null;
        }
        Map<String, V> out = new LinkedHashMap<>(base == null ? Map.of() : base);
        if (over != null) {
            out.putAll(over);
        }
        return out;
    }

    /** The container's config as an image's execution defaults. */
    static ImageConfig.Config imageConfig(ContainerConfig c) {
        return new ImageConfig.Config(empty(c.user()) ? null : c.user(), emptyObjects(c.exposedPorts()), c.env(),
                c.entrypoint(), c.cmd(), emptyObjects(c.volumes()), empty(c.workingDir()) ? null : c.workingDir(),
                c.labels(), c.stopSignal(), c.argsEscaped(), c.healthcheck(), c.onBuild(), c.shell());
    }

    /** {@code {"80/tcp": {}}}: Docker's set-as-map. */
    private static Map<String, Map<String, Object>> emptyObjects(Map<String, Object> keys) {
        if (keys == null) {
            return null;
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        keys.keySet().forEach(k -> out.put(k, Map.of()));
        return out;
    }
}
