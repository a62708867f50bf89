package dev.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.image.ImageException;
import dev.berth.oci.runtime.OciJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The credentials that {@code docker login} stored in {@code ~/.docker/config.json}
 * (or {@code $DOCKER_CONFIG/config.json}), as a {@link CredentialProvider}:
 *
 * <pre>
 * {"auths": {"https://index.docker.io/v1/": {"auth": "base64(user:password)"},
 *            "localhost:5000":              {"auth": "…"},
 *            "registry.example.com":        {"identitytoken": "…"}}}
 * </pre>
 *
 * Keys are matched by host as Docker matches them: a scheme and a path are ignored, and Docker
 * Hub is stored under {@code https://index.docker.io/v1/}. Credential helpers
 * ({@code credsStore}, {@code credHelpers}) are not consulted.
 */
public final class DockerConfigFile implements CredentialProvider {
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

    private final Map<String, AuthConfig> auths;

    private DockerConfigFile(Map<String, AuthConfig> auths) {
        this.auths = auths;
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static Path defaultPath() {
        String dir = System.getenv("DOCKER_CONFIG");
        return dir != null && !dir.isEmpty() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    /** Reads a config file; a missing file has no credentials. */
    public static DockerConfigFile read(Path file) throws ImageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new DockerConfigFile(Map.of());
        } catch (IOException e) {
            throw ImageException.io("read " + file, e);
        }
        Map<String, AuthConfig> auths = new LinkedHashMap<>();
        try {
            JsonNode root = OciJson.mapper().readTree(bytes);
            JsonNode entries = root == null ? null : root.get("auths");
            if (entries != null && entries.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = entries.properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    try {
                        auths.put(hostOf(entry.getKey()), AuthConfig.fromJson(entry.getValue()));
                    } catch (IOException e) {
                        throw ImageException.invalid(file + ": auths." + entry.getKey() + ": " + e.getMessage(), e);
                    }
                }
            }
        } catch (IOException e) {
            throw ImageException.invalid(file + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new DockerConfigFile(auths);
    }

    @Override
    public Credentials credentials(String registry) {
        AuthConfig auth = auths.get(hostOf(registry));
        return auth == null ? Credentials.ANONYMOUS : auth.credentials();
    }

    /** Docker's {@code ConvertToHostname}, plus Docker Hub's aliases: the key a registry is stored under. */
    static String hostOf(String key) {
        String host = key;
        if (host.startsWith("http://")) {
            host = host.substring(7);
        } else if (host.startsWith("https://")) {
            host = host.substring(8);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "docker.io" -> RemoteRef.DOCKER_HUB;
            default -> host;
        };
    }
}
