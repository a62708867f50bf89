package dev.berth.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.testing.RawHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP layer's contract, run on every kind of listener the daemon opens (a unix socket on
 * epoll, TCP on NIO) against a raw client, with routes made for the test: errors, versions,
 * keep-alive and pipelining, streamed bodies both ways with backpressure, cancellation, and the
 * hijack that attach and exec will use (an echo route here).
 */
abstract class HttpServerContract {
    @TempDir
    Path dir;

    protected SocketAddress address;
    private HttpServer server;

    /** Where this run's server listens. */
    abstract ListenAddress listenAddress(Path dir);

    /** Whether hijacked output may still meet backpressure after the client's end of input (see {@link Transport}). */
    boolean survivesBackpressureAfterClientEof() {
        return true;
    }
    private final Semaphore streamGate = new Semaphore(0);
    private final CountDownLatch uploadGate = new CountDownLatch(1);
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final CompletableFuture<String> uploadDigest = new CompletableFuture<>();
    private final CompletableFuture<Long> uploadSize = new CompletableFuture<>();

    private static final int STREAM_MESSAGES = 5;
    private static final long DOWNLOAD_BYTES = 48L << 20;

    @BeforeEach
    void start() throws Exception {
        RouteTable table = () -> List.of(
                Route.get("/hello", (rq, rs) -> rs.json(Map.of("hello", "world", "version", rq.version().toString()))),
                Route.get("/params/{id}", (rq, rs) -> rs.json(Map.of("id", rq.param("id"), "q", String.valueOf(rq.query("q")),
                        "all", rq.queryAll("q"), "flag", rq.queryBool("flag")))),
                Route.get("/fail/{kind}", (rq, rs) -> {
                    throw new ApiException(ErrorKind.valueOf(rq.param("kind")), "it failed: " + rq.param("kind").toLowerCase());
                }),
                Route.get("/bug", (rq, rs) -> {
                    throw new IllegalStateException("something broke");
                }),
                Route.get("/silent", (rq, rs) -> { }),
                Route.head("/head", (rq, rs) -> rs.json(Map.of("never", "sent"))),
                Route.get("/stream", (rq, rs) -> {
                    try (JsonLines out = rs.jsonLines("application/json")) {
                        for (int i = 0; i < STREAM_MESSAGES; i++) {
                            out.send(Map.of("n", i));
                            // the next message waits until the test has seen this one: proof of flushing
                            if (!streamGate.tryAcquire(20, TimeUnit.SECONDS)) {
                                throw new AssertionError("test did not read message " + i);
                            }
                        }
                    }
                }),
                Route.get("/forever", (rq, rs) -> {
                    JsonLines out = rs.jsonLines("application/json");
                    out.send(Map.of("started", true));
                    CountDownLatch done = new CountDownLatch(1);
                    rq.onCancel(done::countDown);
                    done.await(30, TimeUnit.SECONDS);
                    cancelled.countDown();
                }),
                Route.get("/download", (rq, rs) -> {
                    Random r = new Random(42);
                    byte[] block = new byte[100_000];
                    try (OutputStream out = rs.stream("application/x-tar")) {
                        long left = DOWNLOAD_BYTES;
                        while (left > 0) {
                            r.nextBytes(block);
                            int n = (int) Math.min(block.length, left);
                            out.write(block, 0, n);
                            left -= n;
                        }
                    }
                }),
                Route.post("/upload", (rq, rs) -> {
                    uploadGate.await(30, TimeUnit.SECONDS);
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    long n = 0;
                    byte[] buf = new byte[65536];
                    try (InputStream in = rq.body()) {
                        int k;
                        while ((k = in.read(buf)) > 0) {
                            sha.update(buf, 0, k);
                            n += k;
                        }
                    }
                    uploadSize.complete(n);
                    uploadDigest.complete(HexFormat.of().formatHex(sha.digest()));
                    rs.status(201).json(Map.of("size", n));
                }),
                Route.post("/json", (rq, rs) -> {
                    JsonNode body = rq.bodyJson(JsonNode.class);
                    rs.json(Map.of("got", body == null ? "nothing" : body.toString()));
                }),
                Route.hijacking("POST", "/echo", (rq, rs) -> {
                    if (rq.queryBool("refuse")) {
                        throw ApiException.notFound("no such container: x");
                    }
                    RawStreams raw = rs.hijack("application/vnd.docker.raw-stream");
                    raw.output().write("hello from the server\n".getBytes(StandardCharsets.UTF_8));
                    raw.input().transferTo(raw.output());
                    raw.closeWrite();
                }),
                Route.hijacking("POST", "/flood", (rq, rs) -> {
                    RawStreams raw = rs.hijack("application/vnd.docker.raw-stream");
                    raw.input().transferTo(OutputStream.nullOutputStream());
                    byte[] block = new byte[65536];
                    for (int i = 0; i < FLOOD_BLOCKS; i++) {
                        raw.output().write(block);
                    }
                    raw.closeWrite();
                }));
        server = HttpServer.start(List.of(new HttpServer.Listener(listenAddress(dir), null)),
                Router.of(table), Map.of("API-Version", "1.56", "Ostype", "linux"));
        address = switch (server.bound().get(0).address()) {
            case ListenAddress.Unix u -> UnixDomainSocketAddress.of(u.path());
            case ListenAddress.Tcp t -> new InetSocketAddress(t.host(), t.port());
        };
    }

    private static final int FLOOD_BLOCKS = 128;

    @AfterEach
    void stop() {
        streamGate.release(100);
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void answersWithJsonAndTheCommonHeaders() throws Exception {
        RawHttp.Response r = RawHttp.call(address, "GET", "/v1.50/hello");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("api-version")).isEqualTo("1.56");
        assertThat(r.header("ostype")).isEqualTo("linux");
        assertThat(r.json().get("version").asText()).isEqualTo("1.50");
        assertThat(r.text()).endsWith("}\n");
        assertThat(RawHttp.call(address, "GET", "/hello").json().get("version").asText()).isEqualTo("1.56");
    }

    @Test
    void pathAndQueryParameters() throws Exception {
        JsonNode j = RawHttp.call(address, "GET", "/params/a%20b?q=1&q=two%20words&flag=1").json();
        assertThat(j.get("id").asText()).isEqualTo("a b");
        // as in moby (gorilla/mux on the decoded path), an encoded slash is a slash: {id} does not match it
        assertThat(RawHttp.call(address, "GET", "/params/a%2Fb").status()).isEqualTo(404);
        assertThat(j.get("q").asText()).isEqualTo("1");
        assertThat(j.get("all")).hasSize(2);
        assertThat(j.get("all").get(1).asText()).isEqualTo("two words");
        assertThat(j.get("flag").asBoolean()).isTrue();
        assertThat(RawHttp.call(address, "GET", "/params/x?flag=false").json().get("flag").asBoolean()).isFalse();
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        for (String[] req : new String[][] {{"GET", "/nope"}, {"GET", "/v1.50/nope"}, {"DELETE", "/hello"}}) {
            RawHttp.Response r = RawHttp.call(address, req[0], req[1]);
            assertThat(r.status()).as(String.join(" ", req)).isEqualTo(404);
            assertThat(r.text()).isEqualTo("{\"message\":\"page not found\"}\n");
            assertThat(r.header("content-type")).isEqualTo("application/json");
            assertThat(r.header("api-version")).isEqualTo("1.56");
        }
    }

    @Test
    void versionsOutsideTheRangeAreRefused() throws Exception {
        RawHttp.Response tooNew = RawHttp.call(address, "GET", "/v1.99/hello");
        assertThat(tooNew.status()).isEqualTo(400);
        assertThat(tooNew.json().get("message").asText())
                .isEqualTo("client version 1.99 is too new. Maximum supported API version is 1.56");
        RawHttp.Response tooOld = RawHttp.call(address, "GET", "/v1.12/hello");
        assertThat(tooOld.status()).isEqualTo(400);
        assertThat(tooOld.json().get("message").asText()).startsWith("client version 1.12 is too old");
    }

    @Test
    void errorKindsBecomeStatusesInOnePlace() throws Exception {
        Map<ErrorKind, Integer> expected = Map.of(ErrorKind.NOT_FOUND, 404, ErrorKind.CONFLICT, 409,
                ErrorKind.INVALID_ARGUMENT, 400, ErrorKind.UNAVAILABLE, 503, ErrorKind.PERMISSION_DENIED, 403,
                ErrorKind.NOT_IMPLEMENTED, 501, ErrorKind.INTERNAL, 500);
        try (RawHttp c = RawHttp.connect(address)) {
            for (ErrorKind k : ErrorKind.values()) {
                RawHttp.Response r = c.request("GET", "/fail/" + k.name());
                assertThat(r.status()).as(k.name()).isEqualTo(expected.get(k));
                assertThat(r.json().get("message").asText()).isEqualTo("it failed: " + k.name().toLowerCase());
            }
        }
        RawHttp.Response bug = RawHttp.call(address, "GET", "/bug");
        assertThat(bug.status()).isEqualTo(500);
        assertThat(bug.json().get("message").asText()).isEqualTo("something broke");
    }

    @Test
    void keepAliveCarriesManyRequestsAndPipelinedOnesAnswerInOrder() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            for (int i = 0; i < 3; i++) {
                assertThat(c.request("GET", "/hello").status()).isEqualTo(200);
            }
            // three requests in one write: answers come back in order
            c.send("GET /params/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /params/3 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head h1 = c.readHead();
            assertThat(new String(c.readBody(h1), StandardCharsets.UTF_8)).contains("\"id\":\"1\"");
            RawHttp.Head h2 = c.readHead();
            assertThat(h2.status()).isEqualTo(404);
            c.readBody(h2);
            RawHttp.Head h3 = c.readHead();
            assertThat(new String(c.readBody(h3), StandardCharsets.UTF_8)).contains("\"id\":\"3\"");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            RawHttp.Response r = c.request("GET", "/hello", "Connection: close");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aHandlerThatSaysNothingSendsAnEmpty200() throws Exception {
        RawHttp.Response r = RawHttp.call(address, "GET", "/silent");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("0");
    }

    @Test
    void headAnswersCarryNoBody() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            RawHttp.Response r = c.request("HEAD", "/head");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-length")).isNotEqualTo("0");
            // if a body had been sent, it would be read as the next answer's status line
            assertThat(c.request("GET", "/hello").status()).isEqualTo(200);
        }
    }

    @Test
    void jsonLinesAreChunkedAndSentOneByOne() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            c.sendHead("GET", "/stream", -1);
            RawHttp.Head h = c.readHead();
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.chunked()).isTrue();
            for (int i = 0; i < STREAM_MESSAGES; i++) {
                byte[] chunk = c.readChunk(Duration.ofSeconds(10));
                assertThat(new String(chunk, StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + i + "}\n");
                streamGate.release();
            }
            assertThat(c.readChunk(Duration.ofSeconds(10))).as("the last chunk").isNull();
            assertThat(c.request("GET", "/hello").status()).as("the connection is reusable").isEqualTo(200);
        }
    }

    @Test
    void aClientThatLeavesCancelsItsRequest() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            c.sendHead("GET", "/forever", -1);
            assertThat(c.readHead().status()).isEqualTo(200);
            assertThat(new String(c.readChunk(Duration.ofSeconds(10)), StandardCharsets.UTF_8)).contains("started");
        }
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("onCancel ran when the client closed").isTrue();
    }

    @Test
    void largeResponseBodiesStreamWithoutBeingBuffered() throws Exception {
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        Random r = new Random(42);
        byte[] block = new byte[100_000];
        long left = DOWNLOAD_BYTES;
        while (left > 0) {
            r.nextBytes(block);
            int n = (int) Math.min(block.length, left);
            expected.update(block, 0, n);
            left -= n;
        }
        try (RawHttp c = RawHttp.connect(address)) {
            c.sendHead("GET", "/download", -1);
            RawHttp.Head h = c.readHead();
            assertThat(h.header("content-type")).isEqualTo("application/x-tar");
            assertThat(h.chunked()).isTrue();
            // read slowly at first: the handler must wait, not pile the body up in memory
            Thread.sleep(300);
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            long total = 0;
            byte[] chunk;
            while ((chunk = c.readChunk(Duration.ofSeconds(20))) != null) {
                got.update(chunk);
                total += chunk.length;
            }
            assertThat(total).isEqualTo(DOWNLOAD_BYTES);
            assertThat(got.digest()).isEqualTo(expected.digest());
        }
    }

    @Test
    void uploadsStreamWithBackpressure() throws Exception {
        long size = 64L << 20;
        AtomicLong written = new AtomicLong();
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try (SocketChannel ch = SocketChannel.open(address instanceof UnixDomainSocketAddress
                    ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET)) {
                ch.connect(address);
                ch.write(ByteBuffer.wrap(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                Random r = new Random(7);
                byte[] block = new byte[1 << 16];
                for (long left = size; left > 0; left -= block.length) {
                    r.nextBytes(block);
                    sent.update(block);
                    ByteBuffer b = ByteBuffer.wrap(block);
                    while (b.hasRemaining()) {
                        written.addAndGet(ch.write(b));
                    }
                }
                ByteBuffer in = ByteBuffer.allocate(4096);
                ch.read(in);
                return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // The handler does not read yet: the client gets only as far as the buffers allow.
        Thread.sleep(1500);
        long stalledAt = written.get();
        assertThat(stalledAt).as("bytes the client could write while nobody read").isLessThan(16L << 20);
        uploadGate.countDown();
        String response = answer.get(60, TimeUnit.SECONDS);
        assertThat(response).startsWith("HTTP/1.1 201");
        assertThat(uploadSize.get(5, TimeUnit.SECONDS)).isEqualTo(size);
        assertThat(uploadDigest.get()).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }

    @Test
    void chunkedRequestBodies() throws Exception {
        uploadGate.countDown();
        try (RawHttp c = RawHttp.connect(address)) {
            c.sendHead("POST", "/upload", -1, "Transfer-Encoding: chunked");
            c.sendChunk("hello ".getBytes(StandardCharsets.US_ASCII));
            c.sendChunk("world".getBytes(StandardCharsets.US_ASCII));
            c.sendChunk(new byte[0]);
            RawHttp.Head h = c.readHead();
            assertThat(h.status()).isEqualTo(201);
            assertThat(new String(c.readBody(h), StandardCharsets.UTF_8)).contains("\"size\":11");
            assertThat(uploadDigest.get(5, TimeUnit.SECONDS))
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest("hello world".getBytes(StandardCharsets.US_ASCII))));
        }
    }

    @Test
    void jsonBodiesAndMalformedOnes() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            RawHttp.Response ok = c.request("POST", "/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                    "Content-Type: application/json");
            assertThat(ok.json().get("got").asText()).isEqualTo("{\"a\":1}");
            RawHttp.Response empty = c.request("POST", "/json", new byte[0]);
            assertThat(empty.json().get("got").asText()).isEqualTo("nothing");
            RawHttp.Response bad = c.request("POST", "/json", "{nope".getBytes(StandardCharsets.UTF_8));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("message").asText()).startsWith("invalid JSON");
        }
    }

    @Test
    void expectContinueIsAnswered() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            c.sendHead("POST", "/json", 2, "Expect: 100-continue");
            RawHttp.Head cont = c.readHead();
            assertThat(cont.status()).isEqualTo(100);
            c.send("{}");
            RawHttp.Head h = c.readHead();
            assertThat(h.status()).isEqualTo(200);
        }
    }

    @Test
    void malformedRequestsGet400AndAClosedConnection() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n");
            RawHttp.Head h = c.readHead();
            assertThat(h.status()).isEqualTo(400);
            c.readBody(h);
            assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void hijackUpgradesToARawEchoStream() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            // request and the first raw bytes in one write, as an eager client might send them
            c.send("POST /v1.50/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                    + "early bytes|");
            RawHttp.Head h = c.readHead();
            assertThat(h.status()).isEqualTo(101);
            assertThat(h.reason()).isEqualTo("UPGRADED");
            assertThat(h.header("content-type")).isEqualTo("application/vnd.docker.raw-stream");
            assertThat(h.header("connection")).isEqualToIgnoringCase("Upgrade");
            assertThat(h.header("upgrade")).isEqualTo("tcp");
            assertThat(h.header("transfer-encoding")).isNull();
            assertThat(new String(c.readExactly(22, Duration.ofSeconds(10)), StandardCharsets.UTF_8))
                    .isEqualTo("hello from the server\n");
            byte[] binary = new byte[64 << 10];
            new Random(3).nextBytes(binary);
            c.send(binary);
            c.send("late bytes");
            c.shutdownOutput();
            byte[] echoed = c.readToEnd(Duration.ofSeconds(20));
            byte[] expected = concat("early bytes|".getBytes(StandardCharsets.US_ASCII), binary,
                    "late bytes".getBytes(StandardCharsets.US_ASCII));
            assertThat(echoed).isEqualTo(expected);
        }
    }

    @Test
    void hijackWithoutUpgradeAnswers200AndThenRawBytes() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            c.sendHead("POST", "/echo", 0);
            RawHttp.Head h = c.readHead();
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.header("content-type")).isEqualTo("application/vnd.docker.raw-stream");
            assertThat(h.header("content-length")).isNull();
            assertThat(h.chunked()).isFalse();
            c.send("ping");
            c.shutdownOutput();
            assertThat(new String(c.readToEnd(Duration.ofSeconds(10)), StandardCharsets.UTF_8))
                    .isEqualTo("hello from the server\nping");
        }
    }

    @Test
    void aHijackingRouteMayStillAnswerWithAnError() throws Exception {
        try (RawHttp c = RawHttp.connect(address)) {
            RawHttp.Response r = c.request("POST", "/echo?refuse=1", new byte[0], "Connection: Upgrade", "Upgrade: tcp");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("message").asText()).isEqualTo("no such container: x");
            assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void closingFinishesRunningRequestsAndClosesIdleConnections() throws Exception {
        try (RawHttp idle = RawHttp.connect(address); RawHttp busy = RawHttp.connect(address)) {
            assertThat(idle.request("GET", "/hello").status()).isEqualTo(200);
            busy.sendHead("GET", "/stream", -1);
            assertThat(busy.readHead().status()).isEqualTo(200);
            assertThat(busy.readChunk(Duration.ofSeconds(10))).isNotNull();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(20)));
            assertThat(idle.closedWithin(Duration.ofSeconds(5))).as("idle connection closed at once").isTrue();
            if (address instanceof UnixDomainSocketAddress u) {
                assertThat(u.getPath()).as("socket file removed").doesNotExist();
            }
            streamGate.release(STREAM_MESSAGES);
            int rest = 0;
            while (busy.readChunk(Duration.ofSeconds(10)) != null) {
                rest++;
            }
            assertThat(rest).as("the running request finished").isEqualTo(STREAM_MESSAGES - 1);
            closing.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void outputAfterTheClientsEndOfInputSurvivesBackpressure() throws Exception {
        Assumptions.assumeTrue(survivesBackpressureAfterClientEof(), "Netty 4.2.18's epoll loses a half-closed channel's "
                + "output once it has to wait for the socket buffer (EPOLL_CTL_MOD after the fd left epoll: ENOENT); "
                + "see Transport. Remove this assumption when a fixed Netty is on Maven Central.");
        try (RawHttp c = RawHttp.connect(address)) {
            c.send("POST /flood HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nstdin");
            assertThat(c.readHead().status()).isEqualTo(101);
            c.shutdownOutput();
            // a slow reader: the daemon's output fills the socket buffer after the client's EOF
            Thread.sleep(500);
            byte[] all = c.readToEnd(Duration.ofSeconds(30));
            assertThat(all.length).isEqualTo(FLOOD_BLOCKS * 65536);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
