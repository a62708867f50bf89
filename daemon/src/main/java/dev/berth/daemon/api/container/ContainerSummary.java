package dev.berth.daemon.api.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/** One line of {@code docker ps} (swagger: {@code ContainerSummary}). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ContainerSummary(String id, List<String> names, String image, @JsonProperty("ImageID") String imageId,
        String command, long created, List<Object> ports, Map<String, String> labels, String state, String status,
        Map<String, String> hostConfig, Map<String, Object> networkSettings, List<Object> mounts) {}
