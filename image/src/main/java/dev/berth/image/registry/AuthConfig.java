package dev.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.image.ImageException;
import dev.berth.oci.runtime.OciJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Docker's {@code AuthConfig}: what the docker CLI sends in the {@code X-Registry-Auth} header
 * of a pull or push, and what {@code ~/.docker/config.json} stores per registry. The header is
 * URL-safe base64 of JSON:
 *
 * <pre>
 * {"username":"jane","password":"secret","serveraddress":"localhost:5000"}
 * {"identitytoken":"&lt;refresh token from docker login&gt;","serveraddress":"…"}
 * {"registrytoken":"&lt;bearer token&gt;"}
 * </pre>
 *
 * Field names match case-insensitively, as Go's {@code encoding/json} matches them; an
 * {@code auth} field (base64 of {@code user:password}) stands in for missing username and password.
 */
public record AuthConfig(String username, String password, String email, String serverAddress,
        String identityToken, String registryToken) {

    public static final String HEADER = "X-Registry-Auth";
    private static final AuthConfig EMPTY = new AuthConfig(null, null, null, null, null, null);

    /**
     * Decodes an {@code X-Registry-Auth} value; an absent or empty header is anonymous. Padding
     * and the standard alphabet are accepted too, as old clients send them. A malformed header is
     * {@code INVALID_ARGUMENT}, worded as dockerd words it.
     */
    public static AuthConfig decodeHeader(String header) throws ImageException {
        if (header == null || header.isBlank()) {
            return EMPTY;
        }
        String base64 = header.strip().replace('+', '-').replace('/', '_').replace("=", "");
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ImageException.invalid("invalid X-Registry-Auth header: " + e.getMessage(), e);
        }
        try {
            return fromJson(OciJson.mapper().readTree(json));
        } catch (IOException e) {
            throw ImageException.invalid("invalid X-Registry-Auth header: " + firstLine(e.getMessage()), e);
        }
    }

    /** The same for one {@code auths} entry of a docker config file. */
    static AuthConfig fromJson(JsonNode node) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return EMPTY;
        }
        if (!node.isObject()) {
            throw new IOException("expected a JSON object");
        }
        String username = field(node, "username");
        String password = field(node, "password");
        String auth = field(node, "auth");
        if (auth != null && (username == null || username.isEmpty())) {
            String pair;
            try {
                pair = new String(Base64.getMimeDecoder().decode(auth), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IOException("auth: invalid base64: " + e.getMessage(), e);
            }
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IOException("auth: expected base64 of user:password");
            }
            username = pair.substring(0, colon);
            password = pair.substring(colon + 1);
        }
        return new AuthConfig(username, password, field(node, "email"), field(node, "serveraddress"),
                field(node, "identitytoken"), field(node, "registrytoken"));
    }

    public Credentials credentials() {
        return new Credentials(emptyToNull(username), password, emptyToNull(identityToken), emptyToNull(registryToken));
    }

    /** Encodes as the docker CLI does (URL-safe base64 of JSON), for tests and the berth CLI. */
    public String encodeHeader() {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        put(fields, "username", username);
        put(fields, "password", password);
        put(fields, "email", email);
        put(fields, "serveraddress", serverAddress);
        put(fields, "identitytoken", identityToken);
        put(fields, "registrytoken", registryToken);
        return Base64.getUrlEncoder().encodeToString(OciJson.write(fields));
    }

    @Override
    public String toString() {
        return "AuthConfig[username=" + username + ", serverAddress=" + serverAddress + ", secrets hidden]";
    }

    private static void put(Map<String, String> fields, String name, String value) {
        if (value != null && !value.isEmpty()) {
            fields.put(name, value);
        }
    }

    private static String field(JsonNode node, String name) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                JsonNode value = entry.getValue();
                if (value.isNull()) {
                    return null;
                }
                if (!value.isTextual()) {
                    throw new IOException(name + ": expected a string");
                }
                return value.asText();
            }
        }
        return null;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String firstLine(String message) {
        return message == null ? "not JSON" : message.lines().findFirst().orElse(message);
    }
}
