package dev.berth.daemon.http;

/**
 * What went wrong, as a caller can act on it. Handlers throw an {@link ApiException} with one of
 * these; {@link ErrorResponses} turns it into a status code in one place, so no handler chooses
 * a status by hand. The kinds follow moby's {@code errdefs}, which Docker clients branch on.
 */
public enum ErrorKind {
    /** The named object does not exist ({@code no such image: busybox:latest}). */
    NOT_FOUND,
    /** The request contradicts the current state ({@code the image is in use by a container}). */
    CONFLICT,
    /** The request itself is malformed (a bad filter, a bad reference, an unknown parameter value). */
    INVALID_ARGUMENT,
    /** A dependency is not reachable now; retrying later may work (a registry that is down). */
    UNAVAILABLE,
    /** The caller may not do this (registry authentication refused, a read-only resource). */
    PERMISSION_DENIED,
    /** The daemon does not implement this operation or option. */
    NOT_IMPLEMENTED,
    /** A bug or an unexpected failure of the daemon itself. */
    INTERNAL
}
