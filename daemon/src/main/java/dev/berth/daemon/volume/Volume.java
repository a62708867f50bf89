package dev.berth.daemon.volume;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * One volume of the {@code local} driver, as {@code volumes/<name>/volume.json} keeps it: what
 * it was created with. Its data lives beside the record in {@code _data}.
 *
 * @param createdAt RFC 3339 to the second, as dockerd shows it
 * @param labels    never null; an anonymous volume carries {@link #ANONYMOUS_LABEL}
 * @param options   the driver options it was created with, never null
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record Volume(String name, String driver, String createdAt, Map<String, String> labels,
        Map<String, String> options) {
    /** The label dockerd gives the volumes it makes for a mount point without a name. */
    public static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";
    public static final String LOCAL_DRIVER = "local";

    public Volume {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public boolean anonymous() {
        return labels.containsKey(ANONYMOUS_LABEL);
    }
}
