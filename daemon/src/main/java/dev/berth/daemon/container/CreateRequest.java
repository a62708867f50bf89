package dev.berth.daemon.container;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The body of {@code POST /containers/create}: the {@link ContainerConfig} fields at the top
 * level, with the {@link HostConfig} under {@code HostConfig}; {@link #endpoints} reads
 * {@code NetworkingConfig}.
 *
 * <p>{@link #parse} reads it the way Go's {@code encoding/json} reads it into moby's types:
 * unknown fields are ignored, field names match case-insensitively ({@code cmd} is
 * {@code Cmd}), and {@code null} is the same as a missing field. A body that is not JSON, or a
 * field of the wrong type, is refused with a message naming the field.
 */
public record CreateRequest(ContainerConfig config, HostConfig hostConfig) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .build();

    public CreateRequest {
        config = config == null ? ContainerConfig.empty() : config;
        hostConfig = hostConfig == null ? HostConfig.empty() : hostConfig;
    }

    /** Reads a create request body. */
    public static CreateRequest parse(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || root.isNull() || root.isMissingNode()) {
                throw new InvalidContainerConfigException("config cannot be empty in order to create a container");
            }
            if (!root.isObject()) {
                throw new InvalidContainerConfigException("invalid JSON: expected an object");
            }
            ContainerConfig config = read(root, ContainerConfig.class, "");
            JsonNode host = field(root, "HostConfig");
            HostConfig hostConfig = host == null || host.isNull() ? null : read(host, HostConfig.class, "HostConfig");
            return new CreateRequest(config, hostConfig);
        } catch (JacksonException e) {
            throw new InvalidContainerConfigException("invalid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse("malformed"), e);
        } catch (IOException e) {
            throw new InvalidContainerConfigException("invalid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * {@code NetworkingConfig.EndpointsConfig} of a create request body, by network name: what the
     * container asks of each network it joins ({@code --ip}, {@code --network-alias}). Call after
     * {@link #parse} accepted the body.
     */
    public static java.util.Map<String, EndpointConfig> endpoints(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode networking = root == null ? null : field(root, "NetworkingConfig");
            JsonNode endpoints = networking == null || networking.isNull() ? null : field(networking, "EndpointsConfig");
            java.util.Map<String, EndpointConfig> out = new java.util.LinkedHashMap<>();
            if (endpoints == null || endpoints.isNull()) {
                return out;
            }
            for (var it = endpoints.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                EndpointConfig c = e.getValue() == null || e.getValue().isNull() ? EndpointConfig.empty()
                        : read(e.getValue(), EndpointConfig.class, "NetworkingConfig.EndpointsConfig." + e.getKey());
                out.put(e.getKey(), c);
            }
            return out;
        } catch (JacksonException e) {
            throw new InvalidContainerConfigException("invalid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse("malformed"), e);
        } catch (IOException e) {
            throw new InvalidContainerConfigException("invalid JSON: " + e.getMessage(), e);
        }
    }

    private static <T> T read(JsonNode node, Class<T> type, String prefix) throws JacksonException {
        try {
            return JSON.treeToValue(node, type);
        } catch (MismatchedInputException e) {
            String at = path(e);
            String field = prefix.isEmpty() ? at : at.isEmpty() ? prefix : prefix + "." + at;
            throw new InvalidContainerConfigException("invalid JSON: " + (field.isEmpty() ? "body" : field) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("wrong type"), e);
        }
    }

    /** The member named {@code name}, matched case-insensitively as Go does. */
    private static JsonNode field(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        for (var it = object.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String path(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
