package dev.berth.daemon.events;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The daemon's events: services {@link #publish} what happens to their objects, {@code GET /events}
 * {@link #subscribe}s. The last {@value #HISTORY} events are remembered, as dockerd remembers
 * them, so a client can ask for events {@code since} a moment in the past.
 *
 * <p>Publishing never blocks on a listener: each subscription has a queue of
 * {@value #QUEUE_CAPACITY}, and a listener that lets it fill up is dropped. Subscribing takes
 * the backlog and joins the live stream under one lock, so no event is missed or seen twice.
 */
public final class EventBus implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());

    public static final int HISTORY = 256;
    public static final int QUEUE_CAPACITY = 1024;

    private final InstantSource clock;
    private final ArrayDeque<Event> history = new ArrayDeque<>(HISTORY);
    private final List<Subscription> subscribers = new ArrayList<>();
    private long lastNano;
    private boolean closed;

    public EventBus() {
        this(InstantSource.system());
    }

    public EventBus(InstantSource clock) {
        this.clock = clock;
    }

    /** Publishes a local event, timed now. */
    public Event publish(EventType type, String action, String actorId, Map<String, String> attributes) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        synchronized (this) {
            Instant now = clock.instant();
            // Strictly increasing, so "since the last event I saw" never repeats or skips one.
            long nano = Math.max(now.getEpochSecond() * 1_000_000_000L + now.getNano(), lastNano + 1);
            lastNano = nano;
            Event e = new Event(type, action, actorId == null ? "" : actorId, attributes, "local", nano);
            if (closed) {
                return e;
            }
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(e);
            subscribers.removeIf(s -> {
                boolean kept = s.deliver(e);
                if (!kept) {
                    LOG.warning("events listener fell more than " + QUEUE_CAPACITY + " events behind; dropping it");
                }
                return !kept;
            });
            return e;
        }
    }

    /**
     * Subscribes to events that pass {@code filter}.
     *
     * @param since the backlog holds remembered events at or after this moment; null for none
     * @param until the backlog stops at this moment; null for no limit (the caller stops the live stream itself)
     */
    public synchronized Subscription subscribe(Instant since, Instant until, Predicate<Event> filter) {
        List<Event> backlog = new ArrayList<>();
        if (since != null || until != null) {
            long from = since == null ? Long.MIN_VALUE : nanos(since);
            long to = until == null ? Long.MAX_VALUE : nanos(until);
            for (Event e : history) {
                if (e.timeNano() >= from && e.timeNano() <= to && filter.test(e)) {
                    backlog.add(e);
                }
            }
        }
        long from = since == null ? Long.MIN_VALUE : nanos(since);
        Subscription s = new Subscription(this, e -> e.timeNano() >= from && filter.test(e), backlog, QUEUE_CAPACITY);
        if (closed) {
            s.end();
        } else {
            subscribers.add(s);
        }
        return s;
    }

    synchronized void unsubscribe(Subscription s) {
        subscribers.remove(s);
    }

    /** How many listeners there are ({@code NEventsListener} of {@code /info}). */
    public synchronized int listeners() {
        return subscribers.size();
    }

    /** Ends every subscription; later events are not delivered. Used when the daemon stops. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Subscription s : subscribers) {
            s.end();
        }
        subscribers.clear();
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
