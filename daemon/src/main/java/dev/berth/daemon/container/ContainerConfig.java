package dev.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.berth.oci.image.ImageConfig;
import java.util.List;
import java.util.Map;

/**
 * The container-level part of a create request ({@code ContainerConfig} in the Engine API): what
 * to run and how it looks from inside. The same shape is what {@code docker inspect} shows as
 * {@code Config} once {@link ImageDefaults} has merged the image's defaults into it.
 *
 * <p>Absent values are {@code null}, and an absent list is not an empty one: {@code Entrypoint:
 * []} resets the image's entrypoint while a missing {@code Entrypoint} inherits it, as in
 * dockerd. {@code Cmd}, {@code Entrypoint} and {@code Shell} also accept a bare string, as Go's
 * {@code StrSlice} does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ContainerConfig(
        String hostname,
        String domainname,
        String user,
        Boolean attachStdin,
        Boolean attachStdout,
        Boolean attachStderr,
        Map<String, Object> exposedPorts,
        Boolean tty,
        Boolean openStdin,
        Boolean stdinOnce,
        List<String> env,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> cmd,
        ImageConfig.HealthCheck healthcheck,
        Boolean argsEscaped,
        String image,
        Map<String, Object> volumes,
        String workingDir,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> entrypoint,
        Boolean networkDisabled,
        List<String> onBuild,
        Map<String, String> labels,
        String stopSignal,
        Integer stopTimeout,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> shell) {

    /** A config with every field absent. */
    public static ContainerConfig empty() {
        return new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean isTty() {
        return Boolean.TRUE.equals(tty);
    }

    public List<String> envOrEmpty() {
        return env == null ? List.of() : env;
    }

    public List<String> cmdOrEmpty() {
        return cmd == null ? List.of() : cmd;
    }

    public List<String> entrypointOrEmpty() {
        return entrypoint == null ? List.of() : entrypoint;
    }

    public Map<String, Object> volumesOrEmpty() {
        return volumes == null ? Map.of() : volumes;
    }
}
