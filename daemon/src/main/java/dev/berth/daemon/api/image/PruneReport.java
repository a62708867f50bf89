package dev.berth.daemon.api.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** {@code POST /images/prune}'s answer; {@code ImagesDeleted} is {@code null} when nothing went, as in dockerd. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PruneReport(List<DeleteItem> imagesDeleted, long spaceReclaimed) {}
