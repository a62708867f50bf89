package dev.berth.daemon.api.image;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One repository of {@code GET /images/search}'s answer (swagger: {@code ImageSearchResponseItem}),
 * in the snake_case of the registry's search that it comes from; {@code is_automated} is
 * deprecated and always false, as dockerd sends it.
 */
public record ImageSearchResult(
        @JsonProperty("description") String description,
        @JsonProperty("is_official") boolean official,
        @JsonProperty("is_automated") boolean automated,
        @JsonProperty("name") String name,
        @JsonProperty("star_count") int starCount) {}
