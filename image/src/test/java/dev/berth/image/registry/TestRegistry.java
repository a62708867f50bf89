package dev.berth.image.registry;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Debian's reference registry ({@code docker-registry} 2.8, distribution/distribution) started
 * for one test: bound to 127.0.0.1 on a free port, storing in a temporary directory, writing its
 * log (with the access log, which tests read to see which requests were made) to a file. Close
 * it to stop it; it is stopped by its own process handle, nothing else. The daemon's end-to-end
 * tests use it too, through this module's test jar.
 */
public final class TestRegistry implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final Path log;

    private TestRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static void assumeInstalled() {
        // scripts/test installs docker-registry and sets berth.requireRoot: there, missing it fails.
        if (Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT"))) {
            org.junit.jupiter.api.Assertions.assertTrue(Files.isExecutable(BINARY),
                    BINARY + " is missing (scripts/install-deps installs docker-registry)");
        }
        assumeTrue(Files.isExecutable(BINARY),
                "needs Debian's reference registry: apt-get install docker-registry apache2-utils");
    }

    /** Plain HTTP, anonymous. */
    public static TestRegistry plain(Path dir) throws Exception {
        return start(dir, "", "");
    }

    /** Basic authentication against an htpasswd file made with {@code htpasswd -Bbn}. */
    public static TestRegistry basicAuth(Path dir, String user, String password) throws Exception {
        assumeInstalled(); // before htpasswd, which comes with it (apache2-utils)
        Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
        String line = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (htpasswd.waitFor() != 0) {
            throw new IOException("htpasswd failed: " + line);
        }
        Path file = Files.createDirectories(dir).resolve("htpasswd");
        Files.writeString(file, line + "\n");
        return start(dir, "", """
                auth:
                  htpasswd:
                    realm: basic-realm
                    path: %s
                """.formatted(file));
    }

    /** HTTPS with a certificate from {@code ca}, optionally demanding client certificates signed by it. */
    static TestRegistry tls(Path dir, TestCa ca, boolean clientCerts) throws Exception {
        String tls = """
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(ca.serverCert(), ca.serverKey());
        if (clientCerts) {
            tls += """
                        clientcas:
                          - %s
                    """.formatted(ca.caCert());
        }
        return start(dir, tls, "");
    }

    /** Token authentication: bearer tokens from {@code realm}, signed by {@code ca}'s key. */
    static TestRegistry token(Path dir, TestCa ca, String realm, String service, String issuer) throws Exception {
        return start(dir, "", """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(realm, service, issuer, ca.caCert()));
    }

    private static TestRegistry start(Path dir, String httpExtra, String authSection) throws Exception {
        assumeInstalled();
        Path storage = Files.createDirectories(dir.resolve("storage"));
        int port = freePort();
        String config = """
                version: 0.1
                log:
                  level: info
                  accesslog:
                    disabled: false
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: berth-test-secret
                %s%s""".formatted(storage, port, httpExtra, authSection);
        Path configFile = dir.resolve("config.yml");
        Files.writeString(configFile, config);
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY.toString(), "serve", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        TestRegistry registry = new TestRegistry(process, port, log);
        try {
            registry.awaitListening();
        } catch (Exception e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private void awaitListening() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("docker-registry did not listen on 127.0.0.1:" + port + ":\n" + log());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, the registry part of references to it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Everything the registry logged so far, access log included. */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The access log as {@code METHOD path status} lines: {@code PATCH /v2/a/blobs/uploads/…?_state=… 202}. */
    java.util.List<String> requests() throws IOException {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("\"(\\S+) (\\S+) HTTP/1\\.1\" (\\d+)");
        return log().lines().map(line::matcher).filter(java.util.regex.Matcher::find)
                .map(m -> m.group(1) + " " + m.group(2) + " " + m.group(3)).toList();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
