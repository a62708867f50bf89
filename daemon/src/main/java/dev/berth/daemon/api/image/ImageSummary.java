package dev.berth.daemon.api.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code docker images} (swagger: {@code ImageSummary}). {@code SharedSize} and
 * {@code Containers} are -1, meaning "not computed", as dockerd sends them for a plain list.
 * {@code VirtualSize} is only for clients before API 1.44.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageSummary(String id, String parentId, List<String> repoTags, List<String> repoDigests,
                           long created, long size, long sharedSize,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long virtualSize,
                           Map<String, String> labels, long containers) {

    /** The summary as a client of an API before 1.44 expects it, with {@code VirtualSize}. */
    public ImageSummary withVirtualSize() {
        return new ImageSummary(id, parentId, repoTags, repoDigests, created, size, sharedSize, size, labels,
                containers);
    }
}
