package dev.berth.daemon.image;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.image.ImageSearchResult;
import dev.berth.daemon.http.ApiException;
import dev.berth.image.registry.Credentials;
import dev.berth.image.registry.RegistryClient;
import dev.berth.image.registry.SearchResult;
import java.util.List;
import java.util.Set;

/**
 * {@code docker search} as dockerd's registry service does it: the filters are checked before
 * the registry is asked ({@code is-official} and {@code is-automated} take one of
 * {@code true}/{@code 1} or {@code false}/{@code 0}, {@code stars} integers, of which the
 * largest counts), the registry's results are then filtered, and {@code is_automated} is
 * reported false in every result: Docker Hub's value is not to be trusted, and a filter for
 * {@code is-automated=true} finds nothing without asking.
 */
final class ImageSearch {
    private final RegistryClient registry;

    ImageSearch(RegistryClient registry) {
        this.registry = registry;
    }

    List<ImageSearchResult> search(String term, int limit, Filters filters, Credentials credentials) {
        boolean automated = bool(filters, "is-automated");
        Boolean official = filters.contains("is-official") ? bool(filters, "is-official") : null;
        int stars = minimumStars(filters);
        if (automated) {
            return List.of();
        }
        List<SearchResult> found = ImageService.registryCall(() -> registry.search(term, limit, credentials));
        return found.stream()
                .filter(r -> official == null || r.official() == official)
                .filter(r -> r.starCount() >= stars)
                .map(r -> new ImageSearchResult(r.description(), r.official(), false, r.name(), r.starCount()))
                .toList();
    }

    /** A boolean filter: absent is false; no value, another word, or both truths at once are refused. */
    private static boolean bool(Filters filters, String key) {
        if (!filters.contains(key)) {
            return false;
        }
        Set<String> values = filters.get(key);
        boolean isTrue = values.contains("true") || values.contains("1");
        boolean isFalse = values.contains("false") || values.contains("0");
        if (isTrue == isFalse) {
            throw ApiException.invalid("invalid filter '" + key + (values.isEmpty() ? "" : "=" + String.join(",", values))
                    + "'");
        }
        return isTrue;
    }

    /** The largest {@code stars} value given, 0 without one. */
    private static int minimumStars(Filters filters) {
        int minimum = 0;
        for (String value : filters.get("stars")) {
            try {
                minimum = Math.max(minimum, Integer.parseInt(value));
            } catch (NumberFormatException e) {
                throw ApiException.invalid("invalid filter 'stars=" + value + "': not an integer");
            }
        }
        return minimum;
    }
}
