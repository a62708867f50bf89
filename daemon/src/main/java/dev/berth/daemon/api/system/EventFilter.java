package dev.berth.daemon.api.system;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.events.Event;
import dev.berth.daemon.events.EventType;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code filters} of {@code GET /events}, matched as moby's events filter matches them: every
 * named filter must match; {@code container}, {@code volume}, {@code network} and the other
 * object filters match the actor's ID or {@code name} attribute, or a prefix of them;
 * {@code image} matches the image ID or name, with or without its tag; {@code label} matches the
 * actor's attributes.
 */
public final class EventFilter implements Predicate<Event> {
    /** Actions with a detail after a colon ({@code exec_start: sh}): a filter without one matches them all. */
    private static final Set<String> PREFIX_ACTIONS = Set.of("health_status", "exec_create", "exec_start");

    private final Filters filters;

    public EventFilter(Filters filters) {
        this.filters = filters;
    }

    @Override
    public boolean test(Event e) {
        return matchAction(e)
                && filters.exactMatch("type", e.type().wireName())
                && (!filters.contains("scope") || filters.exactMatch("scope", e.scope()))
                && matchName(e, EventType.DAEMON)
                && matchName(e, EventType.CONTAINER)
                && matchName(e, EventType.PLUGIN)
                && matchName(e, EventType.VOLUME)
                && matchName(e, EventType.NETWORK)
                && matchImage(e)
                && matchName(e, EventType.NODE)
                && matchName(e, EventType.SERVICE)
                && matchName(e, EventType.SECRET)
                && matchName(e, EventType.CONFIG)
                && filters.matchKeyValues("label", e.attributes());
    }

    private boolean matchAction(Event e) {
        for (String v : filters.get("event")) {
            if (PREFIX_ACTIONS.contains(v)) {
                return filters.fuzzyMatch("event", e.action());
            }
        }
        return filters.exactMatch("event", e.action());
    }

    private boolean matchName(Event e, EventType type) {
        String key = type.wireName();
        return filters.fuzzyMatch(key, e.actorId()) || filters.fuzzyMatch(key, e.attributes().getOrDefault("name", ""));
    }

    /** An image event names its image in {@code name}, a container event in {@code image}. */
    private boolean matchImage(Event e) {
        String name = e.attributes().getOrDefault(e.type() == EventType.IMAGE ? "name" : "image", "");
        return filters.exactMatch("image", e.actorId())
                || filters.exactMatch("image", name)
                || filters.exactMatch("image", familiarName(e.actorId()))
                || filters.exactMatch("image", familiarName(name));
    }

    /**
     * A reference without tag or digest, in the short form Docker shows:
     * {@code docker.io/library/busybox:latest} → {@code busybox}.
     */
    static String familiarName(String ref) {
        String r = ref;
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        if (colon > slash) {
            r = r.substring(0, colon);
        }
        if (r.startsWith("docker.io/library/")) {
            r = r.substring("docker.io/library/".length());
        } else if (r.startsWith("docker.io/")) {
            r = r.substring("docker.io/".length());
        }
        return r;
    }
}
