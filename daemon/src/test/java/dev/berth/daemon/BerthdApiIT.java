package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real berthd, started through {@code bin/berthd} with its own roots and socket, driven by a
 * raw HTTP client over the unix socket: what arrives on the wire, byte for byte.
 */
class BerthdApiIT {
    @TempDir
    static Path dir;

    private static BerthdProcess daemon;

    @BeforeAll
    static void start() throws Exception {
        daemon = BerthdProcess.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void pingHeadAndGet() throws Exception {
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            RawHttp.Response head = c.request("HEAD", "/_ping");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("api-version")).isEqualTo("1.56");
            assertThat(head.header("docker-experimental")).isEqualTo("false");
            assertThat(head.header("ostype")).isEqualTo("linux");
            assertThat(head.header("builder-version")).isEqualTo("1");
            assertThat(head.header("cache-control")).isEqualTo("no-cache, no-store, must-revalidate");
            assertThat(head.header("pragma")).isEqualTo("no-cache");
            assertThat(head.header("content-length")).isEqualTo("0");
            RawHttp.Response get = c.request("GET", "/_ping");
            assertThat(get.text()).isEqualTo("OK");
            assertThat(get.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        }
    }

    @Test
    void versionedAndUnversionedPaths() throws Exception {
        for (String path : new String[] {"/version", "/v1.24/version", "/v1.50/version", "/v1.56/version"}) {
            RawHttp.Response r = RawHttp.call(daemon.socket, "GET", path);
            assertThat(r.status()).as(path).isEqualTo(200);
            JsonNode v = r.json();
            assertThat(v.get("ApiVersion").asText()).isEqualTo("1.56");
            assertThat(v.get("MinAPIVersion").asText()).isEqualTo("1.24");
            assertThat(v.get("Os").asText()).isEqualTo("linux");
            assertThat(v.get("Arch").asText()).isEqualTo("amd64");
            assertThat(v.get("Version").asText()).isNotEmpty();
            assertThat(v.get("Components").get(0).get("Name").asText()).isEqualTo("Engine");
        }
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        RawHttp.Response r = RawHttp.call(daemon.socket, "GET", "/v1.50/no/such/thing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo("{\"message\":\"page not found\"}\n");
    }

    @Test
    void versionsOutsideTheRange() throws Exception {
        RawHttp.Response tooNew = RawHttp.call(daemon.socket, "GET", "/v1.99/version");
        assertThat(tooNew.status()).isEqualTo(400);
        assertThat(tooNew.text()).isEqualTo(
                "{\"message\":\"client version 1.99 is too new. Maximum supported API version is 1.56\"}\n");
        RawHttp.Response tooOld = RawHttp.call(daemon.socket, "GET", "/v1.23/_ping");
        assertThat(tooOld.status()).isEqualTo(400);
        assertThat(tooOld.json().get("message").asText()).startsWith("client version 1.23 is too old");
    }

    @Test
    void info() throws Exception {
        JsonNode i = RawHttp.call(daemon.socket, "GET", "/v1.50/info").json();
        assertThat(i.get("DockerRootDir").asText()).isEqualTo(daemon.dataRoot.toString());
        assertThat(i.get("ID").asText()).isEqualTo(Files.readString(daemon.dataRoot.resolve("engine-id")).trim());
        assertThat(i.get("Containers").asInt()).isZero();
        assertThat(i.get("Images").asInt()).isZero();
        assertThat(i.get("Driver").asText()).isIn("overlay2", "overlay");
        assertThat(i.get("OSType").asText()).isEqualTo("linux");
        assertThat(i.get("Architecture").asText()).isEqualTo("x86_64");
        assertThat(i.get("CgroupDriver").asText()).isEqualTo("cgroupfs");
        assertThat(i.get("CgroupVersion").asText()).isIn("1", "2");
        assertThat(i.get("SecurityOptions").get(0).asText()).isEqualTo("name=seccomp,profile=builtin");
        assertThat(i.get("Swarm").get("LocalNodeState").asText()).isEqualTo("inactive");
        assertThat(i.get("Runtimes").has(i.get("DefaultRuntime").asText())).isTrue();
        assertThat(i.get("RegistryConfig").get("InsecureRegistryCIDRs").get(1).asText()).isEqualTo("127.0.0.0/8");
    }

    @Test
    void diskUsageSkeleton() throws Exception {
        JsonNode old = RawHttp.call(daemon.socket, "GET", "/v1.50/system/df").json();
        assertThat(old.get("LayersSize").asLong()).isZero();
        assertThat(old.get("Images")).isEmpty();
        assertThat(old.get("Containers")).isEmpty();
        assertThat(old.get("Volumes")).isEmpty();
        assertThat(old.get("BuildCache")).isEmpty();
        JsonNode current = RawHttp.call(daemon.socket, "GET", "/system/df").json();
        assertThat(current.get("ImageUsage").get("TotalCount").asLong()).isZero();
    }

    @Test
    void eventsStreamChunkedFromTheFirstByteUntilTheirEnd() throws Exception {
        Instant until = Instant.now().plusSeconds(2);
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            long t0 = System.nanoTime();
            c.sendHead("GET", "/events?until=" + until.getEpochSecond() + "." + String.format("%09d", until.getNano()), -1);
            RawHttp.Head h = c.readHead(Duration.ofSeconds(5));
            long headMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.chunked()).isTrue();
            assertThat(h.header("content-type")).isEqualTo("application/json");
            assertThat(headMs).as("the head is sent before any event").isLessThan(1500);
            assertThat(c.readChunk(Duration.ofSeconds(10))).as("no events, then the end of the stream").isNull();
            assertThat(Instant.now()).isAfterOrEqualTo(until.minusMillis(100));
        }
    }

    @Test
    void keepAliveAcrossManyRequests() throws Exception {
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.request("GET", i % 2 == 0 ? "/_ping" : "/v1.44/info").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void filesHaveDockerdsModes() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket))).isEqualTo("rw-rw----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.dataRoot))).isEqualTo("rwx--x--x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.execRoot))).isEqualTo("rwx------");
        assertThat(Files.readString(daemon.execRoot.resolve("berthd.pid")).trim()).isEqualTo(Long.toString(daemon.pid()));
    }
}
