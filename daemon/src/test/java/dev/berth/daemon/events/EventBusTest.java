package dev.berth.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EventBusTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;
    private final EventBus bus = new EventBus(clock);

    private Event publishAt(String time, String action) {
        now.set(Instant.parse(time));
        return bus.publish(EventType.IMAGE, action, "sha256:aaa", Map.of("name", "busybox:latest"));
    }

    @Test
    void eventsAreLocalAndTimed() {
        Event e = publishAt("2025-01-01T00:00:01.5Z", "pull");
        assertThat(e.scope()).isEqualTo("local");
        assertThat(e.time()).isEqualTo(Instant.parse("2025-01-01T00:00:01Z").getEpochSecond());
        assertThat(e.timeNano()).isEqualTo(Instant.parse("2025-01-01T00:00:01Z").getEpochSecond() * 1_000_000_000L + 500_000_000L);
    }

    @Test
    void timesStrictlyIncreaseEvenWithinOneClockTick() {
        Event a = publishAt("2025-01-01T00:00:01Z", "tag");
        Event b = bus.publish(EventType.IMAGE, "untag", "x", Map.of());
        assertThat(b.timeNano()).isGreaterThan(a.timeNano());
    }

    @Test
    void backlogHonoursSinceAndUntil() {
        publishAt("2025-01-01T00:00:01Z", "a");
        publishAt("2025-01-01T00:00:02Z", "b");
        publishAt("2025-01-01T00:00:03Z", "c");
        try (Subscription s = bus.subscribe(Instant.parse("2025-01-01T00:00:02Z"), null, e -> true)) {
            assertThat(s.backlog()).extracting(Event::action).containsExactly("b", "c");
        }
        try (Subscription s = bus.subscribe(null, Instant.parse("2025-01-01T00:00:02Z"), e -> true)) {
            assertThat(s.backlog()).extracting(Event::action).containsExactly("a", "b");
        }
        try (Subscription s = bus.subscribe(null, null, e -> true)) {
            assertThat(s.backlog()).as("no since, no until: live events only").isEmpty();
        }
        try (Subscription s = bus.subscribe(Instant.EPOCH, null, e -> e.action().equals("c"))) {
            assertThat(s.backlog()).extracting(Event::action).containsExactly("c");
        }
    }

    @Test
    void onlyTheLastEventsAreRemembered() {
        for (int i = 0; i < EventBus.HISTORY + 10; i++) {
            bus.publish(EventType.IMAGE, "n" + i, "x", Map.of());
        }
        try (Subscription s = bus.subscribe(Instant.EPOCH, null, e -> true)) {
            assertThat(s.backlog()).hasSize(EventBus.HISTORY);
            assertThat(s.backlog().get(0).action()).isEqualTo("n10");
        }
    }

    @Test
    void liveEventsReachMatchingSubscribers() throws Exception {
        try (Subscription images = bus.subscribe(null, null, e -> e.type() == EventType.IMAGE);
             Subscription all = bus.subscribe(null, null, e -> true)) {
            assertThat(bus.listeners()).isEqualTo(2);
            bus.publish(EventType.CONTAINER, "start", "c1", Map.of());
            bus.publish(EventType.IMAGE, "pull", "i1", Map.of());
            assertThat(images.next(Duration.ofSeconds(1)).action()).isEqualTo("pull");
            assertThat(all.next(Duration.ofSeconds(1)).action()).isEqualTo("start");
            assertThat(all.next(Duration.ofSeconds(1)).action()).isEqualTo("pull");
            assertThat(all.next(Duration.ofMillis(50))).as("timeout").isNull();
            assertThat(all.isOpen()).isTrue();
        }
        assertThat(bus.listeners()).isZero();
    }

    @Test
    void closingTheBusEndsSubscriptions() throws Exception {
        Subscription s = bus.subscribe(null, null, e -> true);
        bus.close();
        assertThat(s.next(null)).isNull();
        assertThat(s.isOpen()).isFalse();
        assertThat(s.next(Duration.ofMillis(10))).isNull();
        Subscription late = bus.subscribe(null, null, e -> true);
        assertThat(late.next(Duration.ofSeconds(1))).isNull();
        assertThat(late.isOpen()).isFalse();
    }

    @Test
    void aListenerThatFallsBehindIsDroppedNotWaitedFor() throws Exception {
        Subscription slow = bus.subscribe(null, null, e -> true);
        for (int i = 0; i < EventBus.QUEUE_CAPACITY + 5; i++) {
            bus.publish(EventType.IMAGE, "n" + i, "x", Map.of());
        }
        assertThat(slow.overflowed()).isTrue();
        assertThat(bus.listeners()).isZero();
        int seen = 0;
        while (slow.next(Duration.ofMillis(10)) != null) {
            seen++;
        }
        assertThat(seen).isLessThanOrEqualTo(EventBus.QUEUE_CAPACITY);
        assertThat(slow.isOpen()).isFalse();
    }
}
