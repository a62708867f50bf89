package dev.berth.daemon.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One listener's view of the {@link EventBus}: the remembered events it asked for
 * ({@link #backlog()}), then new ones as they are published ({@link #next}). A listener that
 * falls too far behind is dropped rather than allowed to slow the publishers down; its
 * subscription then ends, and so does the client's stream.
 */
public final class Subscription implements AutoCloseable {
    private static final Event END = new Event(EventType.DAEMON, "", "", java.util.Map.of(), "", 0);

    private final EventBus bus;
    private final Predicate<Event> filter;
    private final List<Event> backlog;
    private final LinkedBlockingQueue<Event> queue;
    private volatile boolean open = true;
    private volatile boolean overflowed;

    Subscription(EventBus bus, Predicate<Event> filter, List<Event> backlog, int capacity) {
        this.bus = bus;
        this.filter = filter;
        this.backlog = List.copyOf(backlog);
        this.queue = new LinkedBlockingQueue<>(capacity + 1);
    }

    /** The remembered events that match, oldest first. */
    public List<Event> backlog() {
        return backlog;
    }

    /**
     * The next event, waiting up to {@code timeout} (null: until one comes or the subscription
     * ends). Null if the time passed or the subscription ended; {@link #isOpen()} tells which.
     */
    public Event next(Duration timeout) throws InterruptedException {
        if (!open && queue.isEmpty()) {
            return null;
        }
        Event e = timeout == null ? queue.take() : queue.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (e == END) {
            open = false;
            queue.offer(END);
            return null;
        }
        return e;
    }

    public boolean isOpen() {
        return open;
    }

    /** True if the subscription ended because its listener fell behind. */
    public boolean overflowed() {
        return overflowed;
    }

    /** Called by the bus, under its lock. False if the listener is too far behind. */
    boolean deliver(Event e) {
        if (!open || !filter.test(e)) {
            return true;
        }
        if (queue.remainingCapacity() <= 1) {
            overflowed = true;
            end();
            return false;
        }
        queue.offer(e);
        return true;
    }

    /** Ends the subscription; a waiting {@link #next} returns null. */
    void end() {
        queue.offer(END);
    }

    @Override
    public void close() {
        bus.unsubscribe(this);
        end();
    }
}
