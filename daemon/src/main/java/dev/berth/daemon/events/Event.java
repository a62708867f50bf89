package dev.berth.daemon.events;

import java.util.Map;

/**
 * Something that happened to an object: an image was pulled, a container died. What the Engine
 * API's {@code GET /events} streams, and what services publish on the {@link EventBus}.
 *
 * @param type       the kind of object
 * @param action     what happened ({@code pull}, {@code tag}, {@code exec_start: sh -c ...})
 * @param actorId    the object's ID (an image's {@code sha256:...}, a container's ID)
 * @param attributes the object's attributes: {@code name}, {@code image}, and its labels
 * @param scope      {@code local} for everything this engine does ({@code swarm} is not ours)
 * @param timeNano   when, in nanoseconds since the epoch
 */
public record Event(EventType type, String action, String actorId, Map<String, String> attributes, String scope,
                    long timeNano) {
    public Event {
        attributes = Map.copyOf(attributes);
    }

    /** Seconds since the epoch. */
    public long time() {
        return Math.floorDiv(timeNano, 1_000_000_000L);
    }
}
