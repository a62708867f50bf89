package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * An image's configuration ({@code config.md}): the platform it was built for, the defaults for
 * containers run from it ({@link Config}), the diffIDs of its layers ({@link RootFs}) and how it
 * was made ({@link History}). Docker's image ID is the digest of this document's bytes, so an
 * image keeps the bytes it was given and this record is a view of them; when Berth makes a
 * config (import, build), the digest of what {@link ImageJson#write} produced is the ID.
 *
 * <p>Times are kept as the RFC 3339 text found in the document ({@link #createdInstant()}
 * parses it) so that nothing is lost in a round trip. {@code comment} is Docker's extension.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageConfig(
        String created,
        String author,
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        String variant,
        Config config,
        RootFs rootfs,
        List<History> history,
        String comment) {

    /** The creation time, or {@code null} if absent or unreadable (some old images carry garbage). */
    public Instant createdInstant() {
        return instant(created);
    }

    /** {@code config.Labels}, never {@code null}. */
    public Map<String, String> labels() {
        return config == null || config.labels() == null ? Map.of() : config.labels();
    }

    /** The diffIDs of the layers, base first; never {@code null}. */
    public List<Digest> diffIds() {
        return rootfs == null || rootfs.diffIds() == null ? List.of() : rootfs.diffIds();
    }

    public Platform platform() {
        return new Platform(architecture, os, osVersion, osFeatures, variant, null);
    }

    static Instant instant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The execution defaults for containers ({@code config.md}, "config"); Docker's field names. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Config(
            @JsonProperty("User") String user,
            @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("StopSignal") String stopSignal,
            @JsonProperty("ArgsEscaped") Boolean argsEscaped,
            @JsonProperty("Healthcheck") HealthCheck healthcheck,
            @JsonProperty("OnBuild") List<String> onBuild,
            @JsonProperty("Shell") List<String> shell) {

        public static Config empty() {
            return new Config(null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /** Docker's health check ({@code HEALTHCHECK}); durations in nanoseconds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HealthCheck(
            @JsonProperty("Test") List<String> test,
            @JsonProperty("Interval") Long interval,
            @JsonProperty("Timeout") Long timeout,
            @JsonProperty("StartPeriod") Long startPeriod,
            @JsonProperty("StartInterval") Long startInterval,
            @JsonProperty("Retries") Integer retries) {}

    /** The layers by diffID (digest of the uncompressed tar), base first; {@code type} is {@code layers}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RootFs(String type, @JsonProperty("diff_ids") List<Digest> diffIds) {
        public static RootFs layers(List<Digest> diffIds) {
            return new RootFs("layers", List.copyOf(diffIds));
        }
    }

    /** One step of the image's making; {@code empty_layer} steps added no layer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            String author,
            String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {

        public boolean isEmptyLayer() {
            return Boolean.TRUE.equals(emptyLayer);
        }
    }
}
