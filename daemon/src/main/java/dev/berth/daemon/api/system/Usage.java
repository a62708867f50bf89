package dev.berth.daemon.api.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The disk use of one kind of object, as {@code GET /system/df} reports it from API 1.52 on
 * ({@code ImageUsage}, {@code ContainerUsage}, ...).
 *
 * @param items the objects themselves (image summaries, container summaries, volumes, cache
 *              records, in their API shapes); clients before 1.52 get only these, later ones
 *              only with {@code verbose}
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record Usage(long activeCount, long totalCount, long reclaimable, long totalSize,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<?> items) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, List.of());

    public Usage {
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** The same totals without the item list (what a non-verbose request gets). */
    public Usage withoutItems() {
        return new Usage(activeCount, totalCount, reclaimable, totalSize, List.of());
    }
}
