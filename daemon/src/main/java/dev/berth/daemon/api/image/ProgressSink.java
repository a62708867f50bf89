package dev.berth.daemon.api.image;

/**
 * Where a pull or push sends its progress messages (JSON-serializable objects, one per line on
 * the wire). The first message starts the streamed response: a failure before it is an ordinary
 * error status, a failure after it a final {@code {"errorDetail":…,"error":…}} line.
 */
@FunctionalInterface
public interface ProgressSink {
    /** Sends one message; an I/O failure (the client went away) is unchecked, to abort the transfer. */
    void send(Object message);
}
