package dev.berth.daemon.api.system;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.daemon.events.Event;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiVersion;
import java.util.Map;

/**
 * An event as {@code GET /events} sends it (swagger: {@code EventMessage}). Before API 1.52,
 * container and image events also carry the fields of the pre-1.22 format ({@code status},
 * {@code id}, {@code from}), which older clients still read.
 */
@JsonPropertyOrder({"status", "id", "from", "Type", "Action", "Actor", "scope", "time", "timeNano"})
public record EventMessage(@JsonProperty("status") String status,
                           @JsonProperty("id") String id,
                           @JsonProperty("from") String from,
                           @JsonProperty("Type") String type,
                           @JsonProperty("Action") String action,
                           @JsonProperty("Actor") Actor actor,
                           @JsonProperty("scope") String scope,
                           @JsonProperty("time") long time,
                           @JsonProperty("timeNano") long timeNano) {

    static final ApiVersion LEGACY_FIELDS_REMOVED = ApiVersion.of(1, 52);

    public record Actor(@JsonProperty("ID") String id, @JsonProperty("Attributes") Map<String, String> attributes) {}

    public static EventMessage of(Event e, ApiVersion version) {
        String status = null;
        String id = null;
        String from = null;
        if (version.isBefore(LEGACY_FIELDS_REMOVED)
                && (e.type() == EventType.CONTAINER || e.type() == EventType.IMAGE)) {
            status = e.action();
            id = e.actorId();
            if (e.type() == EventType.CONTAINER) {
                from = e.attributes().get("image");
            }
        }
        return new EventMessage(status, id, from, e.type().wireName(), e.action(),
                new Actor(e.actorId(), e.attributes()), e.scope(), e.time(), e.timeNano());
    }
}
