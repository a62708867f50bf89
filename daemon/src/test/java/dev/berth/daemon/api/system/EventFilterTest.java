package dev.berth.daemon.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.events.Event;
import dev.berth.daemon.events.EventType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** moby's events filter semantics, case by case. */
class EventFilterTest {
    private static final Event PULL = new Event(EventType.IMAGE, "pull", "sha256:1234abcd",
            Map.of("name", "docker.io/library/busybox:latest"), "local", 1);
    private static final Event TAG = new Event(EventType.IMAGE, "tag", "sha256:1234abcd",
            Map.of("name", "localhost:5000/app:v1", "maintainer", "me"), "local", 2);
    private static final Event START = new Event(EventType.CONTAINER, "start", "c0ffee00",
            Map.of("name", "web", "image", "busybox:latest", "com.example.tier", "front"), "local", 3);
    private static final Event EXEC = new Event(EventType.CONTAINER, "exec_start: sh -c true", "c0ffee00",
            Map.of("name", "web"), "local", 4);

    private static boolean matches(String json, Event e) {
        return new EventFilter(Filters.parse(json)).test(e);
    }

    @Test
    void noFilterMatchesEverything() {
        assertThat(matches(null, PULL)).isTrue();
        assertThat(matches("{}", START)).isTrue();
    }

    @Test
    void typeAndEvent() {
        assertThat(matches("{\"type\":[\"image\"]}", PULL)).isTrue();
        assertThat(matches("{\"type\":[\"image\"]}", START)).isFalse();
        assertThat(matches("{\"type\":[\"image\",\"container\"]}", START)).isTrue();
        assertThat(matches("{\"event\":[\"pull\"]}", PULL)).isTrue();
        assertThat(matches("{\"event\":[\"pull\"]}", TAG)).isFalse();
        assertThat(matches("{\"type\":[\"image\"],\"event\":[\"tag\"]}", TAG)).isTrue();
    }

    @Test
    void actionsWithDetailsMatchByPrefix() {
        assertThat(matches("{\"event\":[\"exec_start\"]}", EXEC)).isTrue();
        assertThat(matches("{\"event\":[\"exec_create\"]}", EXEC)).isFalse();
        assertThat(matches("{\"event\":[\"start\"]}", EXEC)).isFalse();
    }

    @Test
    void imageByIdNameOrNameWithoutTag() {
        assertThat(matches("{\"image\":[\"sha256:1234abcd\"]}", PULL)).isTrue();
        assertThat(matches("{\"image\":[\"docker.io/library/busybox:latest\"]}", PULL)).isTrue();
        assertThat(matches("{\"image\":[\"busybox\"]}", PULL)).isTrue();
        assertThat(matches("{\"image\":[\"localhost:5000/app\"]}", TAG)).isTrue();
        assertThat(matches("{\"image\":[\"alpine\"]}", PULL)).isFalse();
        assertThat(matches("{\"image\":[\"busybox\"]}", START)).as("a container of the image").isTrue();
    }

    @Test
    void containerByIdPrefixOrName() {
        assertThat(matches("{\"container\":[\"c0ff\"]}", START)).isTrue();
        assertThat(matches("{\"container\":[\"web\"]}", START)).isTrue();
        assertThat(matches("{\"container\":[\"db\"]}", START)).isFalse();
        assertThat(matches("{\"container\":[\"web\"]}", PULL)).as("every named filter must match").isFalse();
    }

    @Test
    void labelsMatchAttributes() {
        assertThat(matches("{\"label\":[\"com.example.tier\"]}", START)).isTrue();
        assertThat(matches("{\"label\":[\"com.example.tier=front\"]}", START)).isTrue();
        assertThat(matches("{\"label\":[\"com.example.tier=back\"]}", START)).isFalse();
        assertThat(matches("{\"label\":[\"maintainer=me\"]}", TAG)).isTrue();
        assertThat(matches("{\"label\":[\"maintainer=me\"]}", PULL)).isFalse();
    }

    @Test
    void scope() {
        assertThat(matches("{\"scope\":[\"local\"]}", PULL)).isTrue();
        assertThat(matches("{\"scope\":[\"swarm\"]}", PULL)).isFalse();
    }

    @Test
    void familiarNames() {
        assertThat(EventFilter.familiarName("docker.io/library/busybox:latest")).isEqualTo("busybox");
        assertThat(EventFilter.familiarName("docker.io/me/app:1")).isEqualTo("me/app");
        assertThat(EventFilter.familiarName("localhost:5000/app")).isEqualTo("localhost:5000/app");
        assertThat(EventFilter.familiarName("busybox@sha256:abc")).isEqualTo("busybox");
    }
}
