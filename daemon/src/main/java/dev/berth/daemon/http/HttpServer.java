package dev.berth.daemon.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The API's HTTP/1.1 server on Netty: unix sockets and TCP (optionally TLS), handlers on virtual
 * threads, each kind of socket on the {@link Transport} that serves it best. Each connection's
 * pipeline is
 *
 * <pre>
 *   [ssl] ─ decoder ─ encoder ─ 100-continue ─ {@link HttpConnection}
 * </pre>
 *
 * with the decoder and encoder split (not Netty's combined codec) so that a hijack can remove
 * each at its own moment: the decoder when the request ends, the encoder after the
 * {@code 101 UPGRADED} head.
 *
 * <p>Stopping is in two steps, so the owner can end long streams in between:
 * {@link #stopListening()} closes the listeners (and unlinks the socket files), then
 * {@link #close(Duration)} closes idle connections, lets running requests finish for up to the
 * grace period, and closes what is left.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpServer.class.getName());

    static final String DECODER = "http-decoder";
    static final String ENCODER = "http-encoder";
    static final String CONTINUE = "http-continue";

    /** A listener to open: an address, and for TCP optionally TLS. */
    public record Listener(ListenAddress address, SslContext tls) {
        public Listener {
            if (tls != null && !(address instanceof ListenAddress.Tcp)) {
                throw new IllegalArgumentException("TLS applies to tcp:// listeners only");
            }
        }
    }

    /** An open listener and the address it actually has (a tcp port 0 becomes the real port). */
    public record Bound(ListenAddress address, boolean tls) {}

    /** One event loop group per transport in use, made when a listener first needs it. */
    private final Map<Transport, EventLoopGroup> groups = new java.util.EnumMap<>(Transport.class);
    private final Dispatcher dispatcher;
    private final List<Channel> servers = new ArrayList<>();
    private final List<Bound> bound = new ArrayList<>();
    private boolean closed;

    private HttpServer(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    private synchronized EventLoopGroup group(Transport t) {
        return groups.computeIfAbsent(t, k -> {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            LOG.fine(() -> "HTTP transport " + k.name().toLowerCase(Locale.ROOT) + ", " + threads + " event loops");
            return new MultiThreadIoEventLoopGroup(threads, k.ioHandlers());
        });
    }

    /**
     * Opens every listener or none: if one cannot be opened, those already open are closed and
     * the error names the address ({@code listen tcp 127.0.0.1:2375: address already in use}).
     *
     * @param commonHeaders headers every answer carries ({@code API-Version}, {@code Server}, ...)
     */
    public static HttpServer start(List<Listener> listeners, Router router, Map<String, String> commonHeaders)
            throws IOException {
        HttpServer server = new HttpServer(new Dispatcher(router, commonHeaders));
        try {
            for (Listener l : listeners) {
                server.open(l);
            }
        } catch (IOException | RuntimeException e) {
            server.stopListening();
            server.close(Duration.ZERO);
            throw e;
        }
        return server;
    }

    /** The listeners, with their actual addresses. */
    public synchronized List<Bound> bound() {
        return List.copyOf(bound);
    }

    private void open(Listener l) throws IOException {
        Transport transport = l.address() instanceof ListenAddress.Unix ? Transport.forUnix() : Transport.forTcp();
        if (!transport.halfCloses(l.address())) {
            LOG.warning("epoll is unavailable (" + ErrorResponses.messageOf(Transport.epollUnavailability())
                    + "): on " + l.address() + " a client that closes its stdin during attach or exec also loses the output");
        }
        ServerBootstrap b = new ServerBootstrap().group(group(transport));
        if (transport.halfCloses(l.address())) {
            b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        b.childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (l.tls() != null) {
                    p.addLast("ssl", l.tls().newHandler(ch.alloc()));
                }
                // Long filters in the URL and large X-Registry-Auth headers: Go allows 1 MB of head.
                p.addLast(DECODER, new HttpRequestDecoder(new HttpDecoderConfig()
                        .setMaxInitialLineLength(256 << 10)
                        .setMaxHeaderSize(1 << 20)
                        .setMaxChunkSize(64 << 10)));
                p.addLast(ENCODER, new HttpResponseEncoder());
                p.addLast(CONTINUE, new HttpServerExpectContinueHandler());
                p.addLast("api", new HttpConnection(dispatcher));
            }
        });
        switch (l.address()) {
            case ListenAddress.Unix u -> openUnix(b, u, transport);
            case ListenAddress.Tcp t -> openTcp(b, t, l.tls() != null, transport);
        }
    }

    private void openUnix(ServerBootstrap b, ListenAddress.Unix u, Transport transport) throws IOException {
        Path path = u.path();
        String what = "listen unix " + path;
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new IOException(what + ": cannot create " + path.getParent() + ": " + reason(e), e);
        }
        clearStaleSocket(path, what);
        Channel ch = bind(b.channel(transport.unixChannel()), transport.unixAddress(path), what);
        try {
            // dockerd: 0660, so that only root (and the socket's group) may drive the daemon
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            ch.close().syncUninterruptibly();
            throw new IOException(what + ": cannot set the socket's mode: " + reason(e), e);
        }
        synchronized (this) {
            servers.add(ch);
            bound.add(new Bound(u, false));
        }
    }

    private void openTcp(ServerBootstrap b, ListenAddress.Tcp t, boolean tls, Transport transport) throws IOException {
        String what = "listen tcp " + t.host() + ":" + t.port();
        Channel ch = bind(b.channel(transport.tcpChannel()), new InetSocketAddress(t.host(), t.port()), what);
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        synchronized (this) {
            servers.add(ch);
            bound.add(new Bound(new ListenAddress.Tcp(t.host(), local.getPort()), tls));
        }
    }

    private static Channel bind(ServerBootstrap b, java.net.SocketAddress address, String what) throws IOException {
        try {
            return b.bind(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted");
        } catch (Exception e) {
            throw new IOException(what + ": " + reason(e), e);
        }
    }

    /**
     * A socket file left by a daemon that died is removed; one that a live daemon answers on is
     * not (that is the other daemon's socket).
     */
    private static void clearStaleSocket(Path path, String what) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!"s".equals(fileType(path))) {
            throw new IOException(what + ": " + path + " exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IOException(what + ": address already in use (another daemon is listening on it)");
        } catch (java.net.SocketException e) {
            Files.deleteIfExists(path);
        }
    }

    private static String fileType(Path p) throws IOException {
        Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) mode & 0170000) == 0140000 ? "s" : "other";
    }

    /** {@code bind(..) failed: Address already in use} → {@code address already in use}. */
    static String reason(Throwable e) {
        String m = ErrorResponses.messageOf(e);
        int f = m.lastIndexOf("failed: ");
        if (f >= 0) {
            m = m.substring(f + 8);
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            m = "permission denied";
        }
        return m.isEmpty() ? m : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
    }

    /** Closes the listeners and removes their socket files; open connections carry on. */
    public void stopListening() {
        dispatcher.stopping(true);
        List<Channel> toClose;
        List<Bound> unix;
        synchronized (this) {
            toClose = List.copyOf(servers);
            servers.clear();
            unix = bound.stream().filter(b -> b.address() instanceof ListenAddress.Unix).toList();
        }
        for (Channel ch : toClose) {
            ch.close().syncUninterruptibly();
        }
        for (Bound b : unix) {
            try {
                Files.deleteIfExists(((ListenAddress.Unix) b.address()).path());
            } catch (IOException e) {
                LOG.warning("cannot remove socket " + b.address() + ": " + reason(e));
            }
        }
    }

    /**
     * Closes every connection: idle ones and hijacked streams at once, the others when their
     * answer is complete or the grace period is over, whichever comes first.
     */
    public void close(Duration grace) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopListening();
        for (HttpConnection c : dispatcher.connections()) {
            c.stopInLoop();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!dispatcher.connections().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!dispatcher.connections().isEmpty()) {
            LOG.warning(dispatcher.connections().size() + " request(s) still running after " + grace.toSeconds()
                    + "s; closing their connections");
            for (HttpConnection c : dispatcher.connections()) {
                c.abort();
            }
        }
        List<EventLoopGroup> all;
        synchronized (this) {
            all = List.copyOf(groups.values());
        }
        for (EventLoopGroup g : all) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : all) {
            g.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        dispatcher.workers().shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
