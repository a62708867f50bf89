package dev.berth.daemon.api.image;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One line of a delete's answer (swagger: {@code ImageDeleteResponseItem}): exactly one field is set. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record DeleteItem(String untagged, String deleted) {
    public static DeleteItem untagged(String reference) {
        return new DeleteItem(reference, null);
    }

    public static DeleteItem deleted(String id) {
        return new DeleteItem(null, id);
    }
}
