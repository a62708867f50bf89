package dev.berth.daemon.container;

import dev.berth.oci.image.ImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a create request's {@link ContainerConfig} with the image's defaults, as dockerd does
 * when it creates a container (moby's {@code merge} and {@code mergeAndVerifyConfig}); the result
 * is the container's effective config, the one {@code docker inspect} shows.
 *
 * <p>The rules that surprise people, kept exactly:
 * <ul>
 *   <li>A request {@code Entrypoint} with elements replaces the image's, and then the image's
 *       {@code Cmd} is dropped: only the request's {@code Cmd} follows it.</li>
 *   <li>{@code Entrypoint: []} (present but empty) resets the image's entrypoint and keeps
 *       the image's {@code Cmd}; a missing {@code Entrypoint} inherits both.</li>
 *   <li>{@code Entrypoint: [""]} ({@code --entrypoint ""}) also resets it, but as it has an
 *       element the image's {@code Cmd} is not inherited.</li>
 *   <li>{@code Env}: the image's variables come after the request's, except those the request
 *       names; labels, exposed ports and volumes are unions; the request wins on conflicts.</li>
 *   <li>Nothing left to run is refused: {@code no command specified}.</li>
 * </ul>
 */
public final class ImageDefaults {
    /** Docker's {@code container.MinimumDuration} for health check durations, in nanoseconds. */
    private static final long MINIMUM_DURATION = 1_000_000;

    private ImageDefaults() {}

    /**
     * The effective config of a container created from {@code request} and an image whose config
     * is {@code image} (may be {@code null} for an image without one).
     */
    public static ContainerConfig merge(ContainerConfig request, ImageConfig.Config image) {
        validate(request);
        ImageConfig.Config img = image == null ? ImageConfig.Config.empty() : image;
        ContainerConfig r = request;

        List<String> entrypoint = r.entrypoint();
        List<String> cmd = r.cmd();
        Boolean argsEscaped = r.argsEscaped();
        if (entrypoint == null || entrypoint.isEmpty()) {
            if (cmd == null || cmd.isEmpty()) {
                cmd = img.cmd();
                argsEscaped = img.argsEscaped();
            }
            if (entrypoint == null) {
                entrypoint = img.entrypoint();
            }
        }
        // --entrypoint "" arrives as [""]: it means "no entrypoint", after the merge above.
        if (entrypoint != null && entrypoint.size() == 1 && entrypoint.getFirst().isEmpty()) {
            entrypoint = null;
        }
        if ((entrypoint == null || entrypoint.isEmpty()) && (cmd == null || cmd.isEmpty())) {
            throw new InvalidContainerConfigException("no command specified");
        }

        return new ContainerConfig(
                r.hostname(), r.domainname(),
                empty(r.user()) ? img.user() : r.user(),
                r.attachStdin(), r.attachStdout(), r.attachStderr(),
                union(r.exposedPorts(), img.exposedPorts()),
                r.tty(), r.openStdin(), r.stdinOnce(),
                env(r.env(), img.env()),
                cmd,
                healthcheck(r.healthcheck(), img.healthcheck()),
                argsEscaped,
                r.image(),
                union(r.volumes(), img.volumes()),
                empty(r.workingDir()) ? img.workingDir() : r.workingDir(),
                entrypoint,
                r.networkDisabled(),
                r.onBuild(),
                labels(r.labels(), img.labels()),
                empty(r.stopSignal()) ? img.stopSignal() : r.stopSignal(),
                r.stopTimeout(),
                r.shell() == null ? img.shell() : r.shell());
    }

    /** dockerd's {@code validateContainerConfig}: checks that need no image. */
    static void validate(ContainerConfig c) {
        if (!empty(c.workingDir()) && !Path.of(c.workingDir()).isAbsolute()) {
            throw new InvalidContainerConfigException("the working directory '" + c.workingDir()
                    + "' is invalid, it needs to be an absolute path");
        }
        if (!empty(c.stopSignal())) {
            Signals.parse(c.stopSignal());
        }
        for (String e : c.envOrEmpty()) {
            if (e == null || e.isEmpty() || e.startsWith("=")) {
                throw new InvalidContainerConfigException("invalid environment variable: " + (e == null ? "" : e));
            }
        }
        ImageConfig.HealthCheck h = c.healthcheck();
        if (h != null) {
            duration("Interval", h.interval());
            duration("Timeout", h.timeout());
            duration("StartPeriod", h.startPeriod());
            duration("StartInterval", h.startInterval());
            if (h.retries() != null && h.retries() < 0) {
                throw new InvalidContainerConfigException("Retries in Healthcheck cannot be negative");
            }
        }
    }

    private static void duration(String name, Long nanos) {
        if (nanos != null && nanos != 0 && nanos < MINIMUM_DURATION) {
            throw new InvalidContainerConfigException(name + " in Healthcheck cannot be less than 1ms");
        }
    }

    /** The request's variables, then each image variable whose name the request does not set. */
    private static List<String> env(List<String> request, List<String> image) {
        if (request == null || request.isEmpty()) {
            return image;
        }
        List<String> out = new ArrayList<>(request);
        for (String imageVar : image == null ? List.<String>of() : image) {
            String key = Environment.key(imageVar);
            if (request.stream().noneMatch(v -> Environment.key(v).equals(key))) {
                out.add(imageVar);
            }
        }
        return out;
    }

    private static ImageConfig.HealthCheck healthcheck(ImageConfig.HealthCheck request, ImageConfig.HealthCheck image) {
        if (image == null) {
            return request;
        }
        if (request == null) {
            return image;
        }
        // Field by field: a zero in the request means "inherit".
        return new ImageConfig.HealthCheck(
                request.test() == null || request.test().isEmpty() ? image.test() : request.test(),
                zero(request.interval()) ? image.interval() : request.interval(),
                zero(request.timeout()) ? image.timeout() : request.timeout(),
                zero(request.startPeriod()) ? image.startPeriod() : request.startPeriod(),
                zero(request.startInterval()) ? image.startInterval() : request.startInterval(),
                request.retries() == null || request.retries() == 0 ? image.retries() : request.retries());
    }

    private static Map<String, Object> union(Map<String, Object> request, Map<String, ? extends Object> image) {
        if (request == null || request.isEmpty()) {
            return image == null ? null : new LinkedHashMap<>(image);
        }
        Map<String, Object> out = new LinkedHashMap<>(image == null ? Map.of() : image);
        out.putAll(request);
        return out;
    }

    private static Map<String, String> labels(Map<String, String> request, Map<String, String> image) {
        Map<String, String> out = new LinkedHashMap<>(image == null ? Map.of() : image);
        if (request != null) {
            out.putAll(request);
        }
        return out;
    }

    private static boolean zero(Long v) {
        return v == null || v == 0;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
