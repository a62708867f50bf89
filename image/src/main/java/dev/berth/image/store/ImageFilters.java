package dev.berth.image.store;

import dev.berth.image.ImageException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code filters} of {@code GET /images/json} and {@code POST /images/prune}, decoded by the
 * daemon into name → values. Validation is Docker's: an unknown name is {@code invalid filter
 * 'foo'}, a bad boolean {@code invalid filter 'dangling=maybe'}. Several values of one name are
 * ANDed for labels, ORed for references.
 */
public record ImageFilters(Map<String, List<String>> values) {
    /** The names {@code docker images --filter} accepts (moby's acceptedImageFilterTags). */
    static final Set<String> LIST_NAMES = Set.of("dangling", "label", "before", "since", "reference", "until");
    /** The names {@code docker image prune --filter} accepts. */
    static final Set<String> PRUNE_NAMES = Set.of("dangling", "label", "label!", "until");

    public ImageFilters {
        values = new TreeMap<>(values);
    }

    public static ImageFilters none() {
        return new ImageFilters(Map.of());
    }

    public static ImageFilters of(String name, String... given) {
        return new ImageFilters(Map.of(name, List.of(given)));
    }

    List<String> get(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean contains(String name) {
        return !get(name).isEmpty();
    }

    void validate(Set<String> accepted) throws ImageException {
        for (String name : values.keySet()) {
            if (!accepted.contains(name)) {
                throw ImageException.invalid("invalid filter '" + name + "'");
            }
        }
    }

    /** moby's {@code GetBoolOrDefault}: true/1 and false/0, one value, else an error. */
    boolean bool(String name, boolean fallback) throws ImageException {
        List<String> given = get(name);
        if (given.isEmpty()) {
            return fallback;
        }
        if (given.size() > 1) {
            throw ImageException.invalid("invalid filter '" + name + "=" + String.join(",", given) + "'");
        }
        return switch (given.getFirst().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ImageException.invalid("invalid filter '" + name + "=" + given.getFirst() + "'");
        };
    }

    /**
     * moby's {@code MatchKVList}: every {@code key} or {@code key=value} of {@code name} is in
     * {@code labels}. True when the filter is absent.
     */
    boolean matchLabels(String name, Map<String, String> labels) {
        List<String> wanted = get(name);
        if (wanted.isEmpty()) {
            return true;
        }
        if (labels.isEmpty()) {
            return false;
        }
        for (String want : wanted) {
            int eq = want.indexOf('=');
            String key = eq < 0 ? want : want.substring(0, eq);
            String value = labels.get(key);
            if (value == null || eq >= 0 && !value.equals(want.substring(eq + 1))) {
                return false;
            }
        }
        return true;
    }
}
