package dev.berth.daemon.api.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * {@code docker image inspect} (swagger: {@code ImageInspect}). {@code Config} is the image
 * config's execution defaults as stored; {@code Created} is RFC 3339 with nanoseconds.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageInspect(String id, List<String> repoTags, List<String> repoDigests, String parent,
                           String comment, @JsonInclude(JsonInclude.Include.NON_EMPTY) String created,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) String author, Object config,
                           String architecture, @JsonInclude(JsonInclude.Include.NON_EMPTY) String variant,
                           String os, @JsonInclude(JsonInclude.Include.NON_EMPTY) String osVersion, long size,
                           GraphDriver graphDriver, RootFs rootFS, Metadata metadata) {

    /** Where the layers are stored, as Docker's storage driver would say it. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record GraphDriver(String name, Map<String, String> data) {}

    /** The layers by diffID. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record RootFs(String type, List<String> layers) {}

    /** When the image was last tagged (RFC 3339), if ever. */
    public record Metadata(@JsonProperty("LastTagTime") String lastTagTime) {}
}
