package dev.berth.daemon.testing;

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
 * Debian's reference registry ({@code docker-registry}) for the daemon's CLI tests, adapted from
 * the image module's test helper: bound to 127.0.0.1 on a free port, storing in a test directory,
 * logging to a file. Closing it stops it by its own process handle, nothing else.
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

    /** Skips without docker-registry, except where root tests are required (there it fails). */
    public static void assumeInstalled() {
        if (Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT"))) {
            org.junit.jupiter.api.Assertions.assertTrue(Files.isExecutable(BINARY),
                    BINARY + " is missing (scripts/install-deps installs docker-registry)");
        }
        assumeTrue(Files.isExecutable(BINARY),
                "needs Debian's reference registry: apt-get install docker-registry apache2-utils");
    }

    /** Plain HTTP, anonymous. */
    public static TestRegistry plain(Path dir) throws Exception {
        return start(dir, "");
    }

    /** Basic authentication against an htpasswd file made with {@code htpasswd -Bbn}. */
    public static TestRegistry basicAuth(Path dir, String user, String password) throws Exception {
        assumeInstalled();
        Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
        String line = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (htpasswd.waitFor() != 0) {
            throw new IOException("htpasswd failed: " + line);
        }
        Path file = Files.createDirectories(dir).resolve("htpasswd");
        Files.writeString(file, line + "\n");
        return start(dir, """
                auth:
                  htpasswd:
                    realm: basic-realm
                    path: %s
                """.formatted(file));
    }

    private static TestRegistry start(Path dir, String authSection) throws Exception {
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
                %s""".formatted(storage, port, authSection);
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

    /** {@code 127.0.0.1:<port>}, the registry part of references to it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The port it listens on at 127.0.0.1 (for a proxy in front of it). */
    public int port() {
        return port;
    }

    /** Everything the registry logged so far, access log included. */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
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
