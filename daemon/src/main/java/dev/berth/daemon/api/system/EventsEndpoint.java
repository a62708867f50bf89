package dev.berth.daemon.api.system;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.Timestamps;
import dev.berth.daemon.events.Event;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.Subscription;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Handler;
import dev.berth.daemon.http.JsonLines;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * {@code GET /events}: the remembered events since {@code since}, then new ones as they happen,
 * until {@code until} or until the client goes away. With an {@code until} in the past only
 * remembered events are sent. The head of the response is sent at once, so a client knows it
 * is subscribed before the first event.
 */
final class EventsEndpoint implements Handler {
    private final EventBus bus;
    private final InstantSource clock;

    EventsEndpoint(EventBus bus, InstantSource clock) {
        this.bus = bus;
        this.clock = clock;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        Instant since = timestamp("since", request.query("since"));
        Instant until = timestamp("until", request.query("until"));
        if (since != null && until != null && until.isBefore(since)) {
            throw ApiException.invalid("`since` time (" + request.query("since") + ") cannot be after `until` time ("
                    + request.query("until") + ")");
        }
        EventFilter filter = new EventFilter(Filters.parse(request.query("filters")));
        boolean onlyPast = until != null && until.isBefore(clock.instant());

        try (Subscription sub = bus.subscribe(since, until, filter);
             JsonLines out = response.jsonLines(contentType(request.header("Accept")))) {
            request.onCancel(sub::close);
            for (Event e : sub.backlog()) {
                out.send(EventMessage.of(e, request.version()));
            }
            if (onlyPast) {
                return;
            }
            while (!request.isCancelled()) {
                Duration wait = until == null ? null : Duration.between(clock.instant(), until);
                if (wait != null && (wait.isNegative() || wait.isZero())) {
                    return;
                }
                Event e = sub.next(wait);
                if (e == null) {
                    if (!sub.isOpen()) {
                        return;
                    }
                    continue;
                }
                out.send(EventMessage.of(e, request.version()));
            }
        }
    }

    /**
     * What dockerd negotiates (API 1.52 and later): {@code application/json-seq} or a JSON lines
     * type when the client asks for one, {@code application/json} otherwise.
     */
    static String contentType(String accept) {
        if (accept != null) {
            for (String t : new String[] {"application/json-seq", "application/jsonl", "application/x-ndjson"}) {
                if (accept.contains(t)) {
                    return t;
                }
            }
        }
        return "application/json";
    }

    static Instant timestamp(String name, String value) {
        return Timestamps.parse(name, value);
    }
}
