package dev.berth.daemon.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code filters} query parameter of list and event endpoints, with moby's matching rules.
 * The JSON is a map from a filter name to values: {@code {"type":{"image":true}}}, or in the
 * older form clients still send, {@code {"type":["image"]}}. Different names must all match;
 * values of one name are alternatives.
 */
public final class Filters {
    private static final Filters NONE = new Filters(Map.of());

    private final Map<String, Set<String>> fields;

    private Filters(Map<String, Set<String>> fields) {
        this.fields = fields;
    }

    public static Filters none() {
        return NONE;
    }

    /** Parses the query parameter; null or empty is no filter, malformed JSON is a 400. */
    public static Filters parse(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw ApiException.invalid("invalid filter: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid("invalid filter: expected a JSON object, got " + json);
        }
        Map<String, Set<String>> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            Set<String> values = new LinkedHashSet<>();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                // {"name": {"value": true}}: a false value is not a filter value
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    if (e.getValue().asBoolean(true)) {
                        values.add(e.getKey());
                    }
                }
            } else if (v.isArray()) {
                v.forEach(x -> values.add(x.asText()));
            } else {
                throw ApiException.invalid("invalid filter: value of " + f.getKey() + " must be an object or an array");
            }
            fields.put(f.getKey(), Collections.unmodifiableSet(values));
        }
        return new Filters(Collections.unmodifiableMap(fields));
    }

    public static Filters of(Map<String, Set<String>> fields) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        fields.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        return new Filters(Collections.unmodifiableMap(copy));
    }

    /** Refuses filter names the endpoint does not know, with dockerd's message. */
    public Filters validate(Set<String> accepted) {
        for (String name : fields.keySet()) {
            if (!accepted.contains(name)) {
                throw ApiException.invalid("invalid filter '" + name + "'");
            }
        }
        return this;
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** True if the filter names {@code key} at all. */
    public boolean contains(String key) {
        return fields.containsKey(key);
    }

    /** The values of a filter name (empty if it is absent). */
    public Set<String> get(String key) {
        return fields.getOrDefault(key, Set.of());
    }

    /** No values for {@code key}, or {@code source} is one of them. */
    public boolean exactMatch(String key, String source) {
        Set<String> values = fields.get(key);
        return values == null || values.isEmpty() || values.contains(source);
    }

    /** {@link #exactMatch}, or {@code source} starts with one of the values (short IDs). */
    public boolean fuzzyMatch(String key, String source) {
        if (exactMatch(key, source)) {
            return true;
        }
        for (String prefix : fields.get(key)) {
            if (source.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * No values for {@code key}, or every value matches {@code sources}: {@code k} needs the key,
     * {@code k=v} needs it with that value (labels).
     */
    public boolean matchKeyValues(String key, Map<String, String> sources) {
        Set<String> values = fields.get(key);
        if (values == null || values.isEmpty()) {
            return true;
        }
        if (sources.isEmpty()) {
            return false;
        }
        for (String value : values) {
            int eq = value.indexOf('=');
            String k = eq < 0 ? value : value.substring(0, eq);
            String v = sources.get(k);
            if (v == null || (eq >= 0 && !value.substring(eq + 1).equals(v))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
