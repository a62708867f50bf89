package dev.berth.image.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;

/**
 * A registry as the client reaches it, decided once by pinging {@code /v2/}: the scheme that
 * answered ({@code https}, or {@code http} for an insecure registry), the client with the TLS
 * settings for it, and the authentication challenges of the ping's answer (empty: anonymous).
 */
record Endpoint(String host, URI base, HttpClient client, boolean insecure, List<AuthChallenge> challenges) {

    /** {@code base} + {@code path}, where {@code path} starts with {@code /v2/}. */
    URI uri(String path) {
        return URI.create(base + path);
    }
}
