package dev.berth.daemon.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON mapping of the API. Absent values ({@code null}) are left out, as Go's
 * {@code omitempty} does for the fields Docker marks so; unknown fields in request bodies are
 * ignored, as Go's decoder does, because newer clients send fields older daemons do not know.
 * Response records name their Docker field names with {@code @JsonProperty} or
 * {@code @JsonNaming(UpperCamelCaseStrategy)}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}
}
