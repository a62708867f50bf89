package dev.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.oci.runtime.OciJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of a registry's error body, {@code {"errors":[{"code":"MANIFEST_UNKNOWN",
 * "message":"manifest unknown"}]}} (distribution spec, "Error Codes"). {@link #toString()}
 * formats it as Docker prints it: {@code manifest unknown: manifest unknown}.
 */
public record RegistryError(String code, String message) {
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String DENIED = "DENIED";
    public static final String MANIFEST_UNKNOWN = "MANIFEST_UNKNOWN";
    public static final String NAME_UNKNOWN = "NAME_UNKNOWN";
    public static final String BLOB_UNKNOWN = "BLOB_UNKNOWN";

    /** The errors in a body; empty if it is not the spec's JSON (an HTML page from a proxy, say). */
    static List<RegistryError> parse(byte[] body) {
        List<RegistryError> result = new ArrayList<>();
        try {
            JsonNode root = OciJson.mapper().readTree(body);
            JsonNode errors = root == null ? null : root.get("errors");
            if (errors != null && errors.isArray()) {
                for (JsonNode error : errors) {
                    JsonNode code = error.get("code");
                    JsonNode message = error.get("message");
                    if (code != null && code.isTextual()) {
                        result.add(new RegistryError(code.asText(),
                                message != null && message.isTextual() ? message.asText() : ""));
                    }
                }
            }
        } catch (IOException | RuntimeException notJson) {
            // a body that is not the spec's JSON carries no codes
        }
        return result;
    }

    @Override
    public String toString() {
        String name = code.toLowerCase(Locale.ROOT).replace('_', ' ');
        return message == null || message.isEmpty() ? name : name + ": " + message;
    }
}
