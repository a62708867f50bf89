package dev.berth.daemon.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * One request and its response on a connection, from the request head to the last byte of the
 * answer. It runs the handler on a worker thread; the {@link HttpConnection} feeds it the body
 * and learns when it is done. Cancellation is cooperative, like a Go context: when the client
 * goes away, its body stream fails, writes fail, and {@link Request#onCancel} callbacks run,
 * but the handler's thread is not interrupted (an interrupt would close any {@code FileChannel}
 * it is writing).
 */
final class Exchange implements Runnable {
    private static final Logger LOG = Logger.getLogger(Exchange.class.getName());

    private final HttpConnection connection;
    private final Channel channel;
    private final HttpRequest head;
    private final String path;
    private final Map<String, List<String>> query;
    private final Router.Match match;
    private final InboundStream body;
    private final InboundStream raw;
    private final Response response;
    private final boolean keepAlive;
    private final List<Runnable> cancelCallbacks = new CopyOnWriteArrayList<>();
    private volatile boolean requestComplete;
    private volatile boolean closeAfter;
    private volatile boolean cancelled;
    private boolean handlerDone;

    Exchange(HttpConnection connection, Channel channel, HttpRequest head, String path,
             Map<String, List<String>> query, Router.Match match, ReadGate gate, HttpHeaders common,
             boolean stopping) {
        this.connection = connection;
        this.channel = channel;
        this.head = head;
        this.path = path;
        this.query = query;
        this.match = match;
        this.body = new InboundStream(gate);
        this.raw = hijacks() ? new InboundStream(gate) : null;
        this.keepAlive = HttpUtil.isKeepAlive(head) && !stopping && !hijacks();
        this.response = new Response(this, channel, common);
    }

    @Override
    public void run() {
        try {
            if (match == null) {
                throw ApiException.notFound("page not found");
            }
            ApiVersion version = ApiVersion.negotiate(match.versionText());
            Request request = new Request(head.method().name(), head.uri(), path, query, head.headers(),
                    match.params(), version, body, this);
            LOG.fine(() -> "Calling " + this);
            match.route().handler().handle(request, response);
            response.finish();
        } catch (Throwable t) {
            if (cancelled) {
                LOG.fine(() -> this + ": ended early, the client went away: " + ErrorResponses.messageOf(t));
            } else {
                ErrorResponses.log(toString(), t);
            }
            if (!response.committed() && channel.isActive()) {
                try {
                    response.fail(t);
                } catch (Throwable again) {
                    closeAfter = true;
                }
            } else {
                // The head is out: the status cannot change any more. Cut the stream short.
                closeAfter = true;
            }
            if (t instanceof Error e && !(t instanceof AssertionError)) {
                throw e;
            }
        } finally {
            body.close();
            connection.exchangeDone(this);
        }
    }

    /** Event loop: a piece of the request body arrived. */
    void bodyReceived(io.netty.buffer.ByteBuf content) {
        body.offer(content);
    }

    /** Event loop: the request is complete (its last body chunk arrived). */
    void requestEnded() {
        requestComplete = true;
        body.end();
    }

    /** Event loop: the client closed the connection, or shut down its side of it. */
    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        closeAfter = true;
        body.connectionLost();
        if (raw != null) {
            raw.connectionLost();
        }
        for (Runnable r : cancelCallbacks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.fine(() -> "cancel callback of " + this + " failed: " + e);
            }
        }
    }

    void onCancel(Runnable r) {
        cancelCallbacks.add(r);
        if (cancelled) {
            r.run();
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** Event loop: the handler has returned and its response is written. */
    void handlerDone() {
        handlerDone = true;
    }

    boolean isHandlerDone() {
        return handlerDone;
    }

    boolean requestComplete() {
        return requestComplete;
    }

    boolean hijacks() {
        return match != null && match.route().hijacks();
    }

    boolean wantsUpgrade() {
        HttpHeaders h = head.headers();
        return h.containsValue("Connection", "Upgrade", true) && h.contains("Upgrade");
    }

    InboundStream rawInput() {
        return raw;
    }

    boolean isHead() {
        return head.method().equals(HttpMethod.HEAD);
    }

    boolean keepAlive() {
        return keepAlive && !closeAfter;
    }

    /** Whether the client understands chunked bodies (HTTP/1.1); an HTTP/1.0 body ends with the connection. */
    boolean chunkedAllowed() {
        return !head.protocolVersion().equals(HttpVersion.HTTP_1_0);
    }

    void closeAfterResponse() {
        closeAfter = true;
    }

    /**
     * Whether the connection can carry another request after this one (once the rest of an
     * unread request body has been read and dropped).
     */
    boolean reusable() {
        return keepAlive && !closeAfter && !cancelled && !hijacks();
    }

    @Override
    public String toString() {
        return head.method() + " " + head.uri();
    }
}
