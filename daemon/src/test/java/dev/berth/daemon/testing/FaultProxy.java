package dev.berth.daemon.testing;

import dev.berth.image.registry.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain HTTP/1.1 proxy on 127.0.0.1 in front of a {@link TestRegistry} that breaks the
 * registry's answers on purpose: a test installs a {@link Rule} that looks at each request (and
 * how many times its path was asked for) and picks a {@link Fault}. It serves one request per
 * connection ({@code Connection: close}), reads the registry's whole answer before sending it on
 * (test blobs are a few MiB), and records every request, so a test can assert what the client
 * asked for (a retry, a {@code Range} to resume). Faults are applied to the registry's real
 * answer, so everything not broken on purpose is exactly what the reference registry said.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/\\d+");

    /** What the proxy does with one request. */
    public sealed interface Fault {}

    /** Forwards the request and the answer unchanged. */
    public record Pass() implements Fault {}

    /** Answers {@code status} with a registry-style error body, without asking the registry. */
    public record Fail(int status) implements Fault {}

    /** Asks the registry for {@code path} instead (another manifest, another blob), answering with that. */
    public record Substitute(String path) implements Fault {}

    /**
     * Sends the headers and the body up to blob byte {@code at} (counted from the blob's start,
     * also in a ranged answer), then closes the connection: a registry that dies there.
     */
    public record CutAt(long at) implements Fault {}

    /** Flips the bits of blob byte {@code at}: same size, wrong digest. */
    public record Corrupt(long at) implements Fault {}

    /** Picks the fault for a request; {@code count} is 1 for the first request of this method and path. */
    @FunctionalInterface
    public interface Rule {
        Fault apply(Request request, int count);
    }

    /** A request as the proxy saw it, with when it arrived ({@link System#nanoTime()}). */
    public record Request(String method, String path, Map<String, String> headers, long arrivedNanos) {
        /** A header by its lower-case name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Rule rule = (request, count) -> new Pass();

    private FaultProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
    }

    /** Starts a proxy on 127.0.0.1 and a free port in front of the registry on {@code 127.0.0.1:upstreamPort}. */
    public static FaultProxy start(int upstreamPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        FaultProxy proxy = new FaultProxy(server, upstreamPort);
        Thread.ofVirtual().name("fault-proxy-accept").start(proxy::accept);
        return proxy;
    }

    /** {@code 127.0.0.1:<port>}, the registry part of references through the proxy. */
    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Installs {@code rule} and forgets the requests and counts of the previous one. */
    public void rule(Rule rule) {
        counts.clear();
        requests.clear();
        this.rule = rule;
    }

    /** The requests since the last {@link #rule}, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.submit(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.get(0).split(" ");
            long arrived = System.nanoTime();
            Map<String, String> headers = headers(head);
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            Request request = new Request(requestLine[0], requestLine[1], headers, arrived);
            requests.add(request);
            int count = counts.computeIfAbsent(request.method() + " " + request.path(), k -> new AtomicInteger())
                    .incrementAndGet();
            Fault fault = rule.apply(request, count);
            OutputStream out = client.getOutputStream();
            if (fault instanceof Fail(int status)) {
                byte[] error = ("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected by the test proxy\"}]}\n")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 " + status + " Injected\r\nContent-Type: application/json\r\nContent-Length: "
                        + error.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(error);
                out.flush();
                return;
            }
            String path = fault instanceof Substitute(String other) ? other : request.path();
            forward(request, path, head, body, fault, out);
        } catch (SocketException e) {
            // the client hung up, or we cut it off on purpose
        } catch (IOException e) {
            System.err.println("fault proxy: " + e);
        }
    }

    private void forward(Request request, String path, List<String> head, byte[] body, Fault fault, OutputStream out)
            throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            StringBuilder forwarded = new StringBuilder(request.method() + " " + path + " HTTP/1.1\r\n");
            for (String line : head.subList(1, head.size())) {
                if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    forwarded.append(line).append("\r\n");
                }
            }
            forwarded.append("Connection: close\r\n\r\n");
            OutputStream up = upstream.getOutputStream();
            up.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
            up.write(body);
            up.flush();

            InputStream answer = upstream.getInputStream();
            List<String> responseHead = readHead(answer);
            Map<String, String> responseHeaders = headers(responseHead);
            // The registry closes after one answer (we asked it to): the body is everything left,
            // unless it sent a length (HEAD answers carry one but no body).
            String length = responseHeaders.get("content-length");
            byte[] content = request.method().equals("HEAD") ? new byte[0]
                    : length != null ? answer.readNBytes(Integer.parseInt(length)) : answer.readAllBytes();
            if (responseHeaders.containsKey("transfer-encoding")) {
                throw new IOException("fault proxy: chunked answers are not supported: " + responseHead);
            }
            long start = 0;
            Matcher range = CONTENT_RANGE.matcher(responseHeaders.getOrDefault("content-range", ""));
            if (range.matches()) {
                start = Long.parseLong(range.group(1));
            }
            if (fault instanceof Corrupt(long at) && at >= start && at - start < content.length) {
                content[(int) (at - start)] ^= 0x55;
            }
            int send = content.length;
            if (fault instanceof CutAt(long at)) {
                send = (int) Math.max(0, Math.min(content.length, at - start));
            }
            StringBuilder response = new StringBuilder();
            for (String line : responseHead) {
                if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    response.append(line).append("\r\n");
                }
            }
            response.append("Connection: close\r\n\r\n");
            out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content, 0, send);
            out.flush();
        }
    }

    /** The request or status line and the header lines, up to the empty line; empty at end of stream. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                line.reset();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        return lines.isEmpty() ? lines : List.of();
    }

    private static Map<String, String> headers(List<String> head) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : head.subList(Math.min(1, head.size()), head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        return headers;
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            connections.shutdownNow();
        }
    }
}
