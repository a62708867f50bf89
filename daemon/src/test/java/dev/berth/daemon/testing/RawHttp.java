package dev.berth.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately raw HTTP/1.1 client over a unix socket (JDK {@link SocketChannel} with a
 * {@link UnixDomainSocketAddress}) or TCP: it writes requests byte for byte and parses answers itself,
 * so tests see exactly what the server sends (chunk framing, header names, the 101 line).
 * Every read has a timeout, so a server that hangs fails the test instead of hanging it.
 */
public final class RawHttp implements Closeable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16).flip();

    private RawHttp(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    public static RawHttp connect(Path socket) throws IOException {
        return connect(UnixDomainSocketAddress.of(socket));
    }

    /** Connects to a unix socket or a TCP address. */
    public static RawHttp connect(SocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        ch.connect(address);
        return new RawHttp(ch);
    }

    /** One request on a fresh connection, and its whole answer. */
    public static Response call(Path socket, String method, String target, String... headers) throws IOException {
        return call(UnixDomainSocketAddress.of(socket), method, target, headers);
    }

    public static Response call(SocketAddress address, String method, String target, String... headers)
            throws IOException {
        try (RawHttp c = connect(address)) {
            return c.request(method, target, headers);
        }
    }

    /** An answer, with lower-case header names. */
    public record Response(int status, String reason, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** The status line and headers of an answer. */
    public record Head(int status, String reason, Map<String, List<String>> headers) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        public boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** Sends a request (with {@code Host}) and reads its whole answer; the connection stays open. */
    public Response request(String method, String target, String... headers) throws IOException {
        return request(method, target, null, headers);
    }

    public Response request(String method, String target, byte[] body, String... headers) throws IOException {
        sendHead(method, target, body == null ? -1 : body.length, headers);
        if (body != null) {
            send(body);
        }
        Head h = readHead();
        byte[] b = method.equals("HEAD") || h.status() == 204 || h.status() == 304 ? new byte[0] : readBody(h);
        return new Response(h.status(), h.reason(), h.headers(), b);
    }

    /** Writes a request head; {@code contentLength} -1 for none. */
    public void sendHead(String method, String target, long contentLength, String... headers) throws IOException {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: berth\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        if (contentLength >= 0) {
            b.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        b.append("\r\n");
        send(b.toString().getBytes(StandardCharsets.US_ASCII));
    }

    public void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.UTF_8));
    }

    public void send(byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("write timed out: the server does not read");
                }
                sleep(1);
            }
        }
    }

    /** Sends one chunk of a chunked request body ({@code data.length == 0} ends the body). */
    public void sendChunk(byte[] data) throws IOException {
        send((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        send(data);
        send("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** Half-closes: the server reads EOF, and can still answer. */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    public Head readHead() throws IOException {
        return readHead(TIMEOUT);
    }

    public Head readHead(Duration timeout) throws IOException {
        String status = readLine(timeout);
        if (status == null) {
            throw new IOException("connection closed before an answer");
        }
        String[] p = status.split(" ", 3);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(timeout)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return new Head(Integer.parseInt(p[1]), p.length > 2 ? p[2] : "", headers);
    }

    /** The body after a head: by Content-Length, by chunks, or to the end of the connection. */
    public byte[] readBody(Head h) throws IOException {
        if (h.chunked()) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] c;
            while ((c = readChunk(TIMEOUT)) != null) {
                all.writeBytes(c);
            }
            return all.toByteArray();
        }
        String len = h.header("content-length");
        if (len != null) {
            return readExactly(Integer.parseInt(len), TIMEOUT);
        }
        return readToEnd(TIMEOUT);
    }

    /** One chunk of a chunked body, or null after the last one. */
    public byte[] readChunk(Duration timeout) throws IOException {
        String size = readLine(timeout);
        if (size == null) {
            throw new IOException("connection closed inside a chunked body");
        }
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
            String trailer;
            while ((trailer = readLine(timeout)) != null && !trailer.isEmpty()) {
                // trailers: none expected
            }
            return null;
        }
        byte[] data = readExactly(n, timeout);
        String crlf = readLine(timeout);
        if (crlf == null || !crlf.isEmpty()) {
            throw new IOException("chunk not followed by CRLF");
        }
        return data;
    }

    public byte[] readExactly(int n, Duration timeout) throws IOException {
        byte[] out = new byte[n];
        int at = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (at < n) {
            if (!in.hasRemaining() && !fill(deadline)) {
                throw new IOException("connection closed after " + at + " of " + n + " bytes");
            }
            int k = Math.min(n - at, in.remaining());
            in.get(out, at, k);
            at += k;
        }
        return out;
    }

    /** Everything until the server closes the connection (or half-closes its side). */
    public byte[] readToEnd(Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (in.hasRemaining()) {
                byte[] b = new byte[in.remaining()];
                in.get(b);
                out.writeBytes(b);
            }
            if (!fill(deadline)) {
                return out.toByteArray();
            }
        }
    }

    /** True if the server closed the connection within {@code timeout}. */
    public boolean closedWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                in.position(in.limit());
                if (!fill(deadline)) {
                    return true;
                }
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("timed out")) {
                return false;
            }
            return true;
        }
    }

    private String readLine(Duration timeout) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!in.hasRemaining() && !fill(deadline)) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            byte c = in.get();
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
    }

    /** Reads more into the buffer; false at end of stream. */
    private boolean fill(long deadline) throws IOException {
        in.compact();
        try {
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    return false;
                }
                if (n > 0) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("timed out waiting for the server");
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
            }
        } finally {
            in.flip();
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
