package dev.berth.image.registry;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A registry or its token service answered a request with an error status. It is the cause of
 * the {@link dev.berth.image.ImageException} that the client throws, so that a caller can tell
 * 401 from 403 ({@link #status()}) and read the registry's error codes ({@link #errors()}).
 * The message is what Docker prints for the same answer: the registry's errors
 * ({@code denied: requested access to the resource is denied}), or for a body without them
 * {@code unexpected status from GET request to https://…: 500 Internal Server Error}.
 */
public final class RegistryResponseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String method;
    private final transient URI uri;
    private final transient List<RegistryError> errors;

    RegistryResponseException(int status, String method, URI uri, List<RegistryError> errors) {
        super(describe(status, method, uri, errors));
        this.status = status;
        this.method = method;
        this.uri = uri;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    /** The registry's errors; for 401, 403 and 429 without a body, the spec's code for the status. */
    public List<RegistryError> errors() {
        return errors;
    }

    /** Whether the registry reported {@code code} (or the status implies it). */
    public boolean has(String code) {
        return errors.stream().anyMatch(e -> e.code().equals(code));
    }

    /** 401 or 403: the credentials are missing, wrong, or not enough for this repository. */
    public boolean isAccessDenied() {
        return status == 401 || status == 403 || has(RegistryError.UNAUTHORIZED) || has(RegistryError.DENIED);
    }

    static List<RegistryError> withDefaults(int status, List<RegistryError> errors) {
        if (!errors.isEmpty()) {
            return errors;
        }
        return switch (status) {
            case 401 -> List.of(new RegistryError(RegistryError.UNAUTHORIZED, "authentication required"));
            case 403 -> List.of(new RegistryError(RegistryError.DENIED, "requested access to the resource is denied"));
            case 429 -> List.of(new RegistryError("TOOMANYREQUESTS", "too many requests"));
            default -> List.of();
        };
    }

    private static String describe(int status, String method, URI uri, List<RegistryError> errors) {
        if (errors.isEmpty()) {
            return "unexpected status from " + method + " request to " + uri + ": " + status + " " + reason(status);
        }
        return errors.stream().map(RegistryError::toString).collect(Collectors.joining("; "));
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 416 -> "Requested Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }
}
