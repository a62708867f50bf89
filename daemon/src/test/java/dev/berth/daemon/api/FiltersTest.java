package dev.berth.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FiltersTest {
    @Test
    void bothJsonFormsParse() {
        Filters current = Filters.parse("{\"type\":{\"image\":true,\"container\":true},\"label\":{\"a=b\":true}}");
        Filters legacy = Filters.parse("{\"type\":[\"image\",\"container\"],\"label\":[\"a=b\"]}");
        assertThat(current.get("type")).containsExactlyInAnyOrder("image", "container");
        assertThat(legacy.get("type")).containsExactlyInAnyOrder("image", "container");
        assertThat(current.get("label")).containsExactly("a=b");
        assertThat(Filters.parse("{\"type\":{\"image\":false}}").get("type")).isEmpty();
    }

    @Test
    void emptyMeansNoFilter() {
        assertThat(Filters.parse(null).isEmpty()).isTrue();
        assertThat(Filters.parse("").isEmpty()).isTrue();
        assertThat(Filters.parse("{}").exactMatch("type", "anything")).isTrue();
    }

    @Test
    void malformedFiltersAre400() {
        for (String bad : new String[] {"{", "[1]", "{\"type\":\"image\"}", "nope"}) {
            assertThatThrownBy(() -> Filters.parse(bad)).as(bad).isInstanceOf(ApiException.class)
                    .hasMessageStartingWith("invalid filter");
        }
    }

    @Test
    void exactFuzzyAndKeyValueMatching() {
        Filters f = Filters.of(Map.of("container", Set.of("abc"), "label", Set.of("com.x", "env=prod")));
        assertThat(f.exactMatch("container", "abc")).isTrue();
        assertThat(f.exactMatch("container", "abcdef")).isFalse();
        assertThat(f.fuzzyMatch("container", "abcdef")).as("prefix").isTrue();
        assertThat(f.fuzzyMatch("container", "xabc")).isFalse();
        assertThat(f.exactMatch("image", "whatever")).as("absent name matches all").isTrue();
        assertThat(f.matchKeyValues("label", Map.of("com.x", "1", "env", "prod"))).isTrue();
        assertThat(f.matchKeyValues("label", Map.of("com.x", "1", "env", "dev"))).isFalse();
        assertThat(f.matchKeyValues("label", Map.of("env", "prod"))).isFalse();
        assertThat(f.matchKeyValues("label", Map.of())).isFalse();
        assertThat(f.matchKeyValues("other", Map.of())).isTrue();
    }

    @Test
    void validateNamesTheUnknownFilter() {
        Filters f = Filters.parse("{\"dangling\":[\"true\"],\"colour\":[\"red\"]}");
        assertThatThrownBy(() -> f.validate(Set.of("dangling"))).isInstanceOf(ApiException.class)
                .hasMessage("invalid filter 'colour'");
    }
}
