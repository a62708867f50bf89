package dev.berth.daemon.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every connection of a server shares: the router, the worker threads handlers run on (one
 * virtual thread per request), the headers every answer carries, and whether the server is
 * stopping.
 */
final class Dispatcher {
    private final Router router;
    private final HttpHeaders common;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("api-", 0).factory());
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    Dispatcher(Router router, Map<String, String> commonHeaders) {
        this.router = router;
        this.common = new DefaultHttpHeaders();
        commonHeaders.forEach(common::set);
    }

    /** Event loop: a request head arrived; its exchange starts on a worker thread. */
    Exchange dispatch(HttpConnection connection, Channel channel, HttpRequest head, String path,
                      Map<String, List<String>> query, ReadGate gate) {
        Router.Match match = router.match(head.method().name(), path);
        Exchange ex = new Exchange(connection, channel, head, path, query, match, gate, common, stopping);
        workers.execute(ex);
        return ex;
    }

    void opened(HttpConnection c) {
        connections.add(c);
    }

    void closed(HttpConnection c) {
        connections.remove(c);
    }

    Set<HttpConnection> connections() {
        return connections;
    }

    boolean stopping() {
        return stopping;
    }

    void stopping(boolean s) {
        stopping = s;
    }

    ExecutorService workers() {
        return workers;
    }
}
