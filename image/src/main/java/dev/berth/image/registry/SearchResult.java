package dev.berth.image.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One repository that a registry's search ({@code GET /v1/search}) found, in the shape of both
 * the registry's answer and the Engine API's {@code GET /images/search}: {@code name},
 * {@code description}, {@code star_count}, {@code is_official} and the deprecated
 * {@code is_automated}, which dockerd always reports as false since Docker Hub's value cannot be
 * trusted.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SearchResult(
        @JsonProperty("star_count") int starCount,
        @JsonProperty("is_official") boolean official,
        @JsonProperty("name") String name,
        @JsonProperty("is_automated") boolean automated,
        @JsonProperty("description") String description) {

    /** The same result with {@code is_automated} false, as dockerd reports every result. */
    public SearchResult notAutomated() {
        return new SearchResult(starCount, official, name, false, description);
    }
}
