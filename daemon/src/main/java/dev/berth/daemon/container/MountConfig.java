package dev.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code HostConfig.Mounts}, the structured form behind {@code docker run --mount}:
 * a {@code bind} of a host path, a {@code volume} by name (or anonymous), or a {@code tmpfs}.
 * Only the options of the mount's own type may be given; {@link MountPoints} checks that with
 * dockerd's messages.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record MountConfig(
        String target,
        String source,
        String type,
        Boolean readOnly,
        String consistency,
        BindOptions bindOptions,
        VolumeOptions volumeOptions,
        TmpfsOptions tmpfsOptions) {

    public boolean isReadOnly() {
        return Boolean.TRUE.equals(readOnly);
    }

    /** Options of a {@code bind} mount. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record BindOptions(
            String propagation,
            Boolean nonRecursive,
            Boolean createMountpoint,
            Boolean readOnlyNonRecursive,
            Boolean readOnlyForceRecursive) {}

    /** Options of a {@code volume} mount. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record VolumeOptions(Boolean noCopy, Map<String, String> labels, Map<String, Object> driverConfig,
            String subpath) {}

    /**
     * Options of a {@code tmpfs} mount: size in bytes, the mode as a number (decimal in JSON,
     * meant as octal permission bits), and flag options as one- or two-element arrays.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record TmpfsOptions(Long sizeBytes, Integer mode, List<List<String>> options) {}
}
