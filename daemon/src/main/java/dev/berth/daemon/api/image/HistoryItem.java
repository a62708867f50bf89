package dev.berth.daemon.api.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One step of {@code docker history} (swagger: {@code HistoryResponseItem}). Only the top step
 * carries the image's ID and tags; the steps below it say {@code <missing>} as dockerd does for
 * layers it did not build itself.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HistoryItem(String id, long created, String createdBy, List<String> tags, long size, String comment) {}
