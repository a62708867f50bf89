package dev.berth.image.registry;

import dev.berth.image.ImageException;
import java.util.Map;

/**
 * Finds the credentials for a registry, by the name the user sees ({@code docker.io},
 * {@code localhost:5000}). The daemon answers from the client's {@code X-Registry-Auth} header
 * ({@link AuthConfig#decodeHeader}); the CLI from {@code ~/.docker/config.json}
 * ({@link DockerConfigFile}).
 */
@FunctionalInterface
public interface CredentialProvider {
    CredentialProvider ANONYMOUS = registry -> Credentials.ANONYMOUS;

    /**
     * The credentials for {@code registry}; {@link Credentials#ANONYMOUS} if none. Fails only
     * where finding them can fail: a credential helper that is missing or errs.
     */
    Credentials credentials(String registry) throws ImageException;

    /** The same credentials for every registry: what one {@code X-Registry-Auth} header gives. */
    static CredentialProvider of(Credentials credentials) {
        return registry -> credentials;
    }

    static CredentialProvider of(Map<String, Credentials> byRegistry) {
        Map<String, Credentials> copy = Map.copyOf(byRegistry);
        return registry -> copy.getOrDefault(registry, Credentials.ANONYMOUS);
    }
}
