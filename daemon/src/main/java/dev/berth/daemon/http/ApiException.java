package dev.berth.daemon.http;

/**
 * The one exception type a handler throws to answer with an error: an {@link ErrorKind} and a
 * message for the client. Messages are lower-case and name the object and the cause
 * ({@code no such image: busybox:latest}). A handler translates its backend's failures into this
 * type; anything else that escapes a handler is answered as {@link ErrorKind#INTERNAL}.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    public ApiException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    public ApiException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorKind.NOT_FOUND, message);
    }

    public static ApiException invalid(String message) {
        return new ApiException(ErrorKind.INVALID_ARGUMENT, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(ErrorKind.CONFLICT, message);
    }

    public static ApiException notImplemented(String message) {
        return new ApiException(ErrorKind.NOT_IMPLEMENTED, message);
    }
}
