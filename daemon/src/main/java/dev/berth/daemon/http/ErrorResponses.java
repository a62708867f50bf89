package dev.berth.daemon.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where a failure becomes an HTTP answer: the status comes from the
 * {@link ErrorKind}, the body is Docker's {@code {"message": "..."}}. Clients such as the docker
 * CLI print the message as it is, and branch on the status (404 means "pull it first").
 */
public final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());

    private ErrorResponses() {}

    /** The status for a kind of error. */
    public static HttpResponseStatus status(ErrorKind kind) {
        return switch (kind) {
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case CONFLICT -> HttpResponseStatus.CONFLICT;
            case INVALID_ARGUMENT -> HttpResponseStatus.BAD_REQUEST;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case PERMISSION_DENIED -> HttpResponseStatus.FORBIDDEN;
            case NOT_IMPLEMENTED -> HttpResponseStatus.NOT_IMPLEMENTED;
            case INTERNAL -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** The kind of any failure: an {@link ApiException} says it, anything else is internal. */
    public static ErrorKind kindOf(Throwable t) {
        return t instanceof ApiException e ? e.kind() : ErrorKind.INTERNAL;
    }

    /** The message a client sees for a failure. */
    public static String messageOf(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m;
    }

    /** The error body. */
    public static Map<String, String> body(Throwable t) {
        return Map.of("message", messageOf(t));
    }

    /** Logs a failure the way its kind deserves: server faults loudly, client mistakes quietly. */
    static void log(String request, Throwable t) {
        ErrorKind kind = kindOf(t);
        if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
            LOG.fine(() -> request + ": interrupted (client gone or daemon stopping)");
        } else if (kind == ErrorKind.INTERNAL) {
            LOG.log(Level.SEVERE, "Handler for " + request + " returned error: " + messageOf(t),
                    LOG.isLoggable(Level.FINE) ? t : null);
        } else {
            LOG.fine(() -> "Handler for " + request + " returned error: " + messageOf(t));
        }
    }
}
