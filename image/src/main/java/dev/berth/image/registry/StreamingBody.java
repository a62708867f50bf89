package dev.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as an {@link InputStream} that gives up when the server goes quiet.
 * {@link java.net.http.HttpRequest#timeout} only bounds the wait for the headers, and the JDK's
 * own {@code ofInputStream} blocks for ever on a registry that stops sending mid-blob; here each
 * read waits at most the idle timeout and then fails with an {@link HttpTimeoutException}, which
 * the caller retries like any broken connection. One buffer list is requested at a time, so a
 * slow reader slows the download instead of filling memory.
 */
final class StreamingBody implements HttpResponse.BodySubscriber<InputStream> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration idle;
    private final Stream stream = new Stream();
    private volatile Flow.Subscription subscription;

    private StreamingBody(Duration idle) {
        this.idle = idle;
    }

    static HttpResponse.BodyHandler<InputStream> handler(Duration idle) {
        return info -> new StreamingBody(idle);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(stream);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable error) {
        queue.add(error);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    private final class Stream extends InputStream {
        private Iterator<ByteBuffer> buffers = Collections.emptyIterator();
        private ByteBuffer current;
        private boolean done;
        private boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("response body already closed");
            }
            if (length == 0) {
                return 0;
            }
            while (current == null || !current.hasRemaining()) {
                if (buffers.hasNext()) {
                    current = buffers.next();
                    continue;
                }
                if (done) {
                    return -1;
                }
                next();
            }
            int n = Math.min(length, current.remaining());
            current.get(bytes, offset, n);
            return n;
        }

        @SuppressWarnings("unchecked")
        private void next() throws IOException {
            Object item;
            try {
                item = queue.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading a response");
            }
            if (item == null) {
                close();
                throw new HttpTimeoutException("no data received for " + idle.toSeconds() + "s");
            }
            if (item == END) {
                done = true;
            } else if (item instanceof Throwable error) {
                done = true;
                throw error instanceof IOException io ? io : new IOException(error.getMessage(), error);
            } else {
                buffers = ((List<ByteBuffer>) item).iterator();
                subscription.request(1);
            }
        }

        @Override
        public int available() {
            return current == null ? 0 : current.remaining();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (!done && subscription != null) {
                    subscription.cancel(); // the connection is dropped rather than drained
                }
            }
        }
    }
}
