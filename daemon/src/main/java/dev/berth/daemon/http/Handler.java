package dev.berth.daemon.http;

/**
 * Answers one request. Handlers run on their own (virtual) thread, never on Netty's event loop,
 * so they may block: read a large request body, wait for a registry, stream for hours. To fail,
 * throw an {@link ApiException}; the server turns it into Docker's error response.
 */
@FunctionalInterface
public interface Handler {
    void handle(Request request, Response response) throws Exception;
}
