package dev.berth.daemon.api.volume;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * A volume in the API's shape (swagger: {@code Volume}).
 *
 * @param usageData size and reference count, only in {@code /system/df}; null elsewhere
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record VolumeView(String name, String driver, String mountpoint, String createdAt,
        @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> labels, String scope,
        @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> options, UsageData usageData) {

    /** {@code UsageData}: bytes used, and how many containers refer to the volume. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record UsageData(long size, long refCount) {}
}
