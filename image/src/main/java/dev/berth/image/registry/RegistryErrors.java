package dev.berth.image.registry;

import dev.berth.image.ImageException;
import java.io.IOException;

/**
 * The one place where what a registry said becomes an {@link ImageException}, worded as Docker
 * words it, so that scripts matching dockerd's messages keep working:
 *
 * <pre>
 * pull, 401/403      pull access denied for x, repository does not exist or may require 'docker login': denied: …
 * pull, manifest 404 manifest for x:tag not found: manifest unknown: manifest unknown
 * pull, NAME_UNKNOWN repository x not found: name unknown: …
 * push, 401/403      unauthorized: authentication required  /  denied: requested access to the resource is denied
 * 5xx, 429, network  UNAVAILABLE, with the registry's answer or the connection error
 * </pre>
 *
 * The {@link RegistryResponseException} stays attached as the cause, with the status and codes.
 */
final class RegistryErrors {
    private RegistryErrors() {}

    /** A failure while pulling {@code ref}; {@code blob} names the blob, or is {@code null} for the manifest. */
    static ImageException pull(RemoteRef ref, String blob, Exception failure) {
        if (failure instanceof RegistryResponseException response) {
            if (response.isAccessDenied()) {
                // moby's notFoundError: Docker answers this with 404, as a missing repository looks the same.
                return new ImageException(ImageException.Kind.NOT_FOUND, "pull access denied for " + ref.familiarName()
                        + ", repository does not exist or may require 'docker login': " + response.getMessage(), response);
            }
            if (response.has(RegistryError.NAME_UNKNOWN)) {
                return new ImageException(ImageException.Kind.NOT_FOUND,
                        "repository " + ref.familiarName() + " not found: " + response.getMessage(), response);
            }
            if (response.status() == 404 || response.has(RegistryError.MANIFEST_UNKNOWN)
                    || response.has(RegistryError.BLOB_UNKNOWN)) {
                String what = blob == null ? "manifest for " + ref.familiarString() : blob + " of " + ref.familiarString();
                String reason = response.errors().isEmpty() ? "not found" : response.getMessage();
                return new ImageException(ImageException.Kind.NOT_FOUND, what + " not found: " + reason, response);
            }
            return common(blob == null ? "" : blob + ": ", response);
        }
        return other(blob == null ? "" : blob + ": ", failure);
    }

    /** A failure while pushing to {@code ref}; {@code object} names the blob or manifest. */
    static ImageException push(RemoteRef ref, String object, Exception failure) {
        if (failure instanceof RegistryResponseException response) {
            if (response.isAccessDenied()) {
                // dockerd answers 401 or 403 here; ImageException has no such kind yet (see the report).
                return new ImageException(ImageException.Kind.INVALID_ARGUMENT, response.getMessage(), response);
            }
            return common(object == null ? "" : object + ": ", response);
        }
        return other(object == null ? "" : object + ": ", failure);
    }

    private static ImageException common(String prefix, RegistryResponseException response) {
        int status = response.status();
        ImageException.Kind kind = status >= 500 || status == 429 ? ImageException.Kind.UNAVAILABLE
                : status == 404 ? ImageException.Kind.NOT_FOUND
                : status >= 400 ? ImageException.Kind.INVALID_ARGUMENT
                : ImageException.Kind.INTERNAL;
        return new ImageException(kind, prefix + response.getMessage(), response);
    }

    private static ImageException other(String prefix, Exception failure) {
        if (failure instanceof ImageException image) {
            return image;
        }
        if (failure instanceof IOException io) {
            // Connection refused, reset, timed out, TLS refused: the registry is not usable now.
            return new ImageException(ImageException.Kind.UNAVAILABLE, prefix + io.getMessage(), io);
        }
        return ImageException.internal(prefix + failure.getMessage(), failure);
    }
}
