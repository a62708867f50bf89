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
import java.util.List;
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
 * Hub is stored under {@code https://index.docker.io/v1/}. Where the file names credential
 * helpers, they answer instead of {@code auths}, as in the docker CLI: a registry's entry in
 * {@code credHelpers} ({@code {"credHelpers": {"localhost:5000": "pass"}}}), else
 * {@code credsStore} for all registries; see {@link CredentialHelper}. Helpers are looked up
 * in {@code $PATH}, or in the directories given to {@link #read(Path, List)}.
 */
public final class DockerConfigFile implements CredentialProvider {
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

    private final Map<String, AuthConfig> auths;
    private final String credsStore;
    private final Map<String, String> credHelpers;
    private final List<Path> helperPath;

    private DockerConfigFile(Map<String, AuthConfig> auths, String credsStore, Map<String, String> credHelpers,
            List<Path> helperPath) {
        this.auths = auths;
        this.credsStore = credsStore;
        this.credHelpers = credHelpers;
        this.helperPath = helperPath;
    }

    /** The directories of {@code $PATH}, where the docker CLI finds {@code docker-credential-*}. */
    public static List<Path> defaultHelperPath() {
        String path = System.getenv("PATH");
        return path == null ? List.of() : java.util.Arrays.stream(path.split(":"))
                .filter(dir -> !dir.isEmpty()).map(Path::of).toList();
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static Path defaultPath() {
        String dir = System.getenv("DOCKER_CONFIG");
        return dir != null && !dir.isEmpty() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    /** Reads a config file; a missing file has no credentials. */
    public static DockerConfigFile read(Path file) throws ImageException {
        return read(file, defaultHelperPath());
    }

    /** The same, with credential helpers looked up in {@code helperPath} instead of {@code $PATH}. */
    public static DockerConfigFile read(Path file, List<Path> helperPath) throws ImageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new DockerConfigFile(Map.of(), null, Map.of(), List.of());
        } catch (IOException e) {
            throw ImageException.io("read " + file, e);
        }
        Map<String, AuthConfig> auths = new LinkedHashMap<>();
        Map<String, String> helpers = new LinkedHashMap<>();
        String store;
        try {
            JsonNode root = OciJson.mapper().readTree(bytes);
            store = root == null ? null : helperName(file, "credsStore", root.get("credsStore"));
            JsonNode helperEntries = root == null ? null : root.get("credHelpers");
            if (helperEntries != null && helperEntries.isObject()) {
                for (Map.Entry<String, JsonNode> entry : helperEntries.properties()) {
                    String helper = helperName(file, "credHelpers." + entry.getKey(), entry.getValue());
                    // "" is kept: as in the docker CLI, it sends that registry to auths despite credsStore
                    helpers.put(hostOf(entry.getKey()), helper == null ? "" : helper);
                }
            }
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
        return new DockerConfigFile(auths, store, helpers, helperPath);
    }

    @Override
    public Credentials credentials(String registry) throws ImageException {
        String host = hostOf(registry);
        String helper = credHelpers.getOrDefault(host, credsStore);
        if (helper != null && !helper.isEmpty()) {
            // The docker CLI asks helpers for Docker Hub by the key it stores Hub under.
            return new CredentialHelper(helper, helperPath).get(host.equals(RemoteRef.DOCKER_HUB) ? DOCKER_HUB_KEY : host);
        }
        AuthConfig auth = auths.get(host);
        return auth == null ? Credentials.ANONYMOUS : auth.credentials();
    }

    /** A helper's name: a string naming {@code docker-credential-<name>}; empty, null or absent is none. */
    private static String helperName(Path file, String field, JsonNode value) throws ImageException {
        if (value == null || value.isNull() || value.isTextual() && value.asText().isEmpty()) {
            return null;
        }
        if (!value.isTextual() || value.asText().contains("/")) {
            throw ImageException.invalid(file + ": " + field + ": expected the name of a credential helper");
        }
        return value.asText();
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
