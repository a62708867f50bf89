package dev.berth.daemon.api.system;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /version} (swagger: {@code SystemVersion}). The docker CLI prints the
 * {@code Engine} component's {@code Details} under "Server:", so they repeat the top-level fields.
 * {@code GoVersion} is absent: Berth is not written in Go.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record SystemVersion(Platform platform, List<Component> components, String version, String apiVersion,
                            @JsonProperty("MinAPIVersion") String minApiVersion, String gitCommit, String os,
                            String arch, String kernelVersion, Boolean experimental, String buildTime) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Platform(String name) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Component(String name, String version, Map<String, String> details) {}
}
