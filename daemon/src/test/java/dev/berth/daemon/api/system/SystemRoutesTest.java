package dev.berth.daemon.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.HttpServer;
import dev.berth.daemon.http.ListenAddress;
import dev.berth.daemon.http.Router;
import dev.berth.daemon.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The System tag's routes over a real socket, with a fixed inventory and this host's facts. */
class SystemRoutesTest {
    @TempDir
    Path dir;

    private Path socket;
    private HttpServer server;
    private final EventBus events = new EventBus();

    private static final UsageSource IMAGES = new UsageSource() {
        @Override
        public long count() {
            return 3;
        }

        @Override
        public Usage usage(boolean withItems) {
            return new Usage(1, 3, 100, 300, withItems ? List.of(Map.of("Id", "sha256:a"), Map.of("Id", "sha256:b"),
                    Map.of("Id", "sha256:c")) : List.of());
        }
    };

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("s.sock");
        EngineFacts facts = new EngineFacts("engine-1", "9.9.9", "2025-01-01T00:00:00Z", "overlay2", dir, true,
                List.of("10.0.0.0/8", "registry.local:5000"), List.of("https://mirror.example/"), List.of("WARNING: test"));
        Inventory inv = Inventory.empty().withImages(IMAGES);
        HostSystem system = new HostSystem(facts, HostFacts.probe(), inv, events);
        server = HttpServer.start(List.of(new HttpServer.Listener(new ListenAddress.Unix(socket), null)),
                Router.of(new SystemRoutes(system, events)), Map.of("API-Version", "1.56", "Docker-Experimental", "false",
                        "Ostype", "linux"));
    }

    @AfterEach
    void stop() {
        events.close();
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void pingGetAndHead() throws Exception {
        try (RawHttp c = RawHttp.connect(socket)) {
            RawHttp.Response get = c.request("GET", "/_ping");
            assertThat(get.text()).isEqualTo("OK");
            assertThat(get.header("api-version")).isEqualTo("1.56");
            assertThat(get.header("builder-version")).isEqualTo("1");
            assertThat(get.header("docker-experimental")).isEqualTo("false");
            assertThat(get.header("ostype")).isEqualTo("linux");
            assertThat(get.header("swarm")).isEqualTo("inactive");
            assertThat(get.header("cache-control")).isEqualTo("no-cache, no-store, must-revalidate");
            assertThat(get.header("pragma")).isEqualTo("no-cache");
            RawHttp.Response head = c.request("HEAD", "/v1.24/_ping");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("0");
            assertThat(head.header("api-version")).isEqualTo("1.56");
            assertThat(c.request("GET", "/v1.50/_ping").text()).as("no stray HEAD body before this").isEqualTo("OK");
        }
    }

    @Test
    void version() throws Exception {
        JsonNode v = RawHttp.call(socket, "GET", "/v1.50/version").json();
        assertThat(v.get("Version").asText()).isEqualTo("9.9.9");
        assertThat(v.get("ApiVersion").asText()).isEqualTo("1.56");
        assertThat(v.get("MinAPIVersion").asText()).isEqualTo("1.24");
        assertThat(v.get("Os").asText()).isEqualTo("linux");
        assertThat(v.get("Arch").asText()).isEqualTo("amd64");
        assertThat(v.get("KernelVersion").asText()).isNotEmpty();
        assertThat(v.get("BuildTime").asText()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(v.has("GoVersion")).isFalse();
        assertThat(v.get("Platform").get("Name").asText()).isEqualTo("Berth");
        JsonNode engine = v.get("Components").get(0);
        assertThat(engine.get("Name").asText()).isEqualTo("Engine");
        assertThat(engine.get("Details").get("ApiVersion").asText()).isEqualTo("1.56");
        assertThat(engine.get("Details").get("MinAPIVersion").asText()).isEqualTo("1.24");
    }

    @Test
    void info() throws Exception {
        JsonNode i = RawHttp.call(socket, "GET", "/info").json();
        assertThat(i.get("ID").asText()).isEqualTo("engine-1");
        assertThat(i.get("Images").asLong()).isEqualTo(3);
        assertThat(i.get("Containers").asLong()).isZero();
        assertThat(i.get("ContainersRunning").asLong()).isZero();
        assertThat(i.get("Driver").asText()).isEqualTo("overlay2");
        assertThat(i.get("DockerRootDir").asText()).isEqualTo(dir.toString());
        assertThat(i.get("OSType").asText()).isEqualTo("linux");
        assertThat(i.get("Architecture").asText()).isEqualTo("x86_64");
        assertThat(i.get("NCPU").asInt()).isPositive();
        assertThat(i.get("MemTotal").asLong()).isPositive();
        assertThat(i.get("CgroupDriver").asText()).isEqualTo("cgroupfs");
        assertThat(i.get("CgroupVersion").asText()).isIn("1", "2");
        assertThat(i.get("SecurityOptions").get(0).asText()).isEqualTo("name=seccomp,profile=builtin");
        assertThat(i.get("Swarm").get("LocalNodeState").asText()).isEqualTo("inactive");
        assertThat(i.get("DefaultRuntime").asText()).isEqualTo("berth");
        assertThat(i.get("Runtimes").has("berth")).isTrue();
        assertThat(i.get("ServerVersion").asText()).isEqualTo("9.9.9");
        assertThat(i.get("Debug").asBoolean()).isTrue();
        assertThat(i.get("Name").asText()).isNotEmpty();
        JsonNode reg = i.get("RegistryConfig");
        assertThat(reg.get("InsecureRegistryCIDRs")).extracting(JsonNode::asText)
                .containsExactly("::1/128", "127.0.0.0/8", "10.0.0.0/8");
        assertThat(reg.get("IndexConfigs").get("registry.local:5000").get("Secure").asBoolean()).isFalse();
        assertThat(reg.get("IndexConfigs").get("docker.io").get("Official").asBoolean()).isTrue();
        assertThat(reg.get("Mirrors").get(0).asText()).isEqualTo("https://mirror.example/");
        assertThat(i.get("Warnings").get(0).asText()).isEqualTo("WARNING: test");
    }

    @Test
    void diskUsageBeforeApi152IsTheLists() throws Exception {
        JsonNode df = RawHttp.call(socket, "GET", "/v1.50/system/df").json();
        assertThat(df.get("LayersSize").asLong()).isEqualTo(300);
        assertThat(df.get("Images")).hasSize(3);
        assertThat(df.get("Containers")).isEmpty();
        assertThat(df.get("Volumes")).isEmpty();
        assertThat(df.get("BuildCache")).isEmpty();
        assertThat(df.has("ImageUsage")).isFalse();
    }

    @Test
    void diskUsageAtApi152HasBothAndLaterOnlySummaries() throws Exception {
        JsonNode both = RawHttp.call(socket, "GET", "/v1.52/system/df").json();
        assertThat(both.get("Images")).hasSize(3);
        assertThat(both.get("ImageUsage").get("TotalCount").asLong()).isEqualTo(3);

        JsonNode brief = RawHttp.call(socket, "GET", "/v1.56/system/df").json();
        assertThat(brief.has("Images")).isFalse();
        assertThat(brief.has("LayersSize")).isFalse();
        JsonNode images = brief.get("ImageUsage");
        assertThat(images.get("ActiveCount").asLong()).isEqualTo(1);
        assertThat(images.get("Reclaimable").asLong()).isEqualTo(100);
        assertThat(images.get("TotalSize").asLong()).isEqualTo(300);
        assertThat(images.has("Items")).isFalse();
        assertThat(brief.get("ContainerUsage").get("TotalCount").asLong()).isZero();

        JsonNode verbose = RawHttp.call(socket, "GET", "/v1.56/system/df?verbose=1").json();
        assertThat(verbose.get("ImageUsage").get("Items")).hasSize(3);
    }

    @Test
    void diskUsageByType() throws Exception {
        JsonNode df = RawHttp.call(socket, "GET", "/v1.56/system/df?type=image&type=volume").json();
        assertThat(df.has("ImageUsage")).isTrue();
        assertThat(df.has("VolumeUsage")).isTrue();
        assertThat(df.has("ContainerUsage")).isFalse();
        RawHttp.Response bad = RawHttp.call(socket, "GET", "/system/df?type=plugin");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).isEqualTo("unknown object type: plugin");
    }

    @Test
    void eventsStreamLiveWithLegacyFieldsForOlderClients() throws Exception {
        try (RawHttp c = RawHttp.connect(socket)) {
            c.sendHead("GET", "/v1.50/events", -1);
            RawHttp.Head h = c.readHead();
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.header("content-type")).isEqualTo("application/json");
            assertThat(h.chunked()).isTrue();
            awaitListeners(1);
            events.publish(EventType.IMAGE, "pull", "sha256:abc", Map.of("name", "busybox:latest"));
            JsonNode e = json(c.readChunk(Duration.ofSeconds(10)));
            assertThat(e.get("Type").asText()).isEqualTo("image");
            assertThat(e.get("Action").asText()).isEqualTo("pull");
            assertThat(e.get("Actor").get("ID").asText()).isEqualTo("sha256:abc");
            assertThat(e.get("Actor").get("Attributes").get("name").asText()).isEqualTo("busybox:latest");
            assertThat(e.get("scope").asText()).isEqualTo("local");
            assertThat(e.get("time").asLong()).isPositive();
            assertThat(e.get("timeNano").asLong() / 1_000_000_000L).isEqualTo(e.get("time").asLong());
            assertThat(e.get("status").asText()).isEqualTo("pull");
            assertThat(e.get("id").asText()).isEqualTo("sha256:abc");
        }
        awaitListeners(0);
    }

    @Test
    void eventsWithoutLegacyFieldsFromApi152AndFiltered() throws Exception {
        try (RawHttp c = RawHttp.connect(socket)) {
            c.sendHead("GET", "/v1.56/events?filters=" + url("{\"type\":[\"container\"]}"), -1);
            assertThat(c.readHead().status()).isEqualTo(200);
            awaitListeners(1);
            events.publish(EventType.IMAGE, "pull", "sha256:abc", Map.of());
            events.publish(EventType.CONTAINER, "start", "c1", Map.of("image", "busybox"));
            JsonNode e = json(c.readChunk(Duration.ofSeconds(10)));
            assertThat(e.get("Action").asText()).isEqualTo("start");
            assertThat(e.has("status")).isFalse();
            assertThat(e.has("from")).isFalse();
        }
    }

    @Test
    void eventsSinceAndUntilInThePastReturnTheBacklogAndEnd() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        events.publish(EventType.IMAGE, "tag", "sha256:1", Map.of());
        events.publish(EventType.IMAGE, "untag", "sha256:1", Map.of());
        Instant after = Instant.now();
        Thread.sleep(20);
        RawHttp.Response r = RawHttp.call(socket, "GET", "/events?since=" + ts(before) + "&until=" + ts(after));
        String[] lines = r.text().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(json(lines[0].getBytes(StandardCharsets.UTF_8)).get("Action").asText()).isEqualTo("tag");
        assertThat(json(lines[1].getBytes(StandardCharsets.UTF_8)).get("Action").asText()).isEqualTo("untag");
    }

    @Test
    void eventsEndAtAFutureUntil() throws Exception {
        long start = System.nanoTime();
        Instant until = Instant.now().plusMillis(700);
        RawHttp.Response r = RawHttp.call(socket, "GET", "/events?until=" + ts(until));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(ms).isGreaterThanOrEqualTo(500);
    }

    @Test
    void eventsRefuseSinceAfterUntil() throws Exception {
        RawHttp.Response r = RawHttp.call(socket, "GET", "/events?since=200&until=100");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).isEqualTo("`since` time (200) cannot be after `until` time (100)");
    }

    @Test
    void eventsAsJsonSeq() throws Exception {
        try (RawHttp c = RawHttp.connect(socket)) {
            c.sendHead("GET", "/events", -1, "Accept: application/json-seq");
            assertThat(c.readHead().header("content-type")).isEqualTo("application/json-seq");
            awaitListeners(1);
            events.publish(EventType.DAEMON, "reload", "engine-1", Map.of());
            byte[] chunk = c.readChunk(Duration.ofSeconds(10));
            assertThat(chunk[0]).isEqualTo((byte) 0x1e);
            assertThat(chunk[chunk.length - 1]).isEqualTo((byte) '\n');
        }
    }

    @Test
    void eventStreamsEndWhenTheBusCloses() throws Exception {
        try (RawHttp c = RawHttp.connect(socket)) {
            c.sendHead("GET", "/events", -1);
            assertThat(c.readHead().status()).isEqualTo(200);
            awaitListeners(1);
            events.close();
            assertThat(c.readChunk(Duration.ofSeconds(10))).as("the stream ends cleanly").isNull();
        }
    }

    private void awaitListeners(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.listeners() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(events.listeners()).isEqualTo(n);
    }

    private static String ts(Instant i) {
        return i.getEpochSecond() + "." + String.format("%09d", i.getNano());
    }

    private static String url(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] b) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(b);
    }
}
