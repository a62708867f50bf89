package dev.berth.daemon.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.api.Filters;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.HttpServer;
import dev.berth.daemon.http.ListenAddress;
import dev.berth.daemon.http.Router;
import dev.berth.daemon.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Image tag's routes over a real socket, with a recording fake backend. */
class ImageRoutesTest {
    @TempDir
    Path dir;

    private Path socket;
    private HttpServer server;
    private final FakeBackend backend = new FakeBackend();

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("s.sock");
        server = HttpServer.start(List.of(new HttpServer.Listener(new ListenAddress.Unix(socket), null)),
                Router.of(new ImageRoutes(backend)), Map.of("API-Version", "1.56"));
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void listPassesFiltersAndAddsVirtualSizeForOldClients() throws Exception {
        String filters = "%7B%22dangling%22%3A%5B%22true%22%5D%7D"; // {"dangling":["true"]}
        JsonNode now = RawHttp.call(socket, "GET", "/v1.50/images/json?filters=" + filters).json();
        assertThat(backend.calls).containsExactly("list dangling=[true]");
        assertThat(now.get(0).get("Id").asText()).isEqualTo("sha256:aa");
        assertThat(now.get(0).get("SharedSize").asLong()).isEqualTo(-1);
        assertThat(now.get(0).get("Containers").asLong()).isEqualTo(-1);
        assertThat(now.get(0).has("VirtualSize")).isFalse();
        JsonNode old = RawHttp.call(socket, "GET", "/v1.43/images/json").json();
        assertThat(old.get(0).get("VirtualSize").asLong()).isEqualTo(42);
    }

    @Test
    void unknownListFilterIsA400() throws Exception {
        RawHttp.Response r = RawHttp.call(socket, "GET", "/images/json?filters=%7B%22foo%22%3A%5B%22x%22%5D%7D");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).isEqualTo("invalid filter 'foo'");
    }

    @Test
    void namesWithSlashesReachInspectTagAndDelete() throws Exception {
        assertThat(RawHttp.call(socket, "GET", "/images/localhost:5000/team/app:v1/json").json().get("Id").asText())
                .isEqualTo("sha256:aa");
        RawHttp.Response tag = RawHttp.call(socket, "POST", "/images/team/app:v1/tag?repo=team/app&tag=v2");
        assertThat(tag.status()).isEqualTo(201);
        RawHttp.Response del = RawHttp.call(socket, "DELETE", "/images/team/app:v2?force=1");
        assertThat(del.json().get(0).get("Untagged").asText()).isEqualTo("team/app:v2");
        assertThat(del.json().get(0).has("Deleted")).isFalse();
        assertThat(backend.calls).containsExactly("inspect localhost:5000/team/app:v1", "tag team/app:v1 team/app v2",
                "delete team/app:v2 force=true noprune=false");
    }

    @Test
    void missingImageIsA404WithDockersMessage() throws Exception {
        RawHttp.Response r = RawHttp.call(socket, "GET", "/images/nope/history");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("message").asText()).isEqualTo("No such image: nope:latest");
    }

    @Test
    void importStreamsTheIdAndPullStreamsProgressOrFails() throws Exception {
        try (RawHttp c = RawHttp.connect(socket)) {
            RawHttp.Response r = c.request("POST", "/images/create?fromSrc=-&repo=app&tag=v1&message=hi&changes=CMD%20sh",
                    "tarball".getBytes(StandardCharsets.UTF_8), "Content-Type: application/x-tar");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text().trim()).isEqualTo("{\"status\":\"sha256:bb\"}");
        }
        assertThat(backend.calls).containsExactly("import app v1 hi [CMD sh] tarball");
        RawHttp.Response pull = RawHttp.call(socket, "POST", "/images/create?fromImage=busybox&tag=1.36");
        assertThat(pull.status()).isEqualTo(200);
        assertThat(pull.text()).isEqualTo("{\"status\":\"1.36: Pulling from library/busybox\"}\n"
                + "{\"status\":\"Status: Downloaded newer image for busybox:1.36\"}\n");
        RawHttp.Response missing = RawHttp.call(socket, "POST", "/images/create?fromImage=nope&tag=1");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("message").asText()).isEqualTo("manifest for nope:1 not found");
        RawHttp.Response broken = RawHttp.call(socket, "POST", "/images/create?fromImage=broken&tag=1");
        assertThat(broken.status()).isEqualTo(200);
        assertThat(broken.text()).isEqualTo("{\"status\":\"1: Pulling from library/broken\"}\n"
                + "{\"errorDetail\":{\"message\":\"connection reset\"},\"error\":\"connection reset\"}\n");
        RawHttp.Response push = RawHttp.call(socket, "POST", "/images/app/push?tag=v1");
        assertThat(push.status()).isEqualTo(200);
        assertThat(push.text()).contains("v1: digest: sha256:cc size: 1");
        assertThat(backend.calls).contains("pull busybox:1.36  null", "push app v1 null");
    }

    @Test
    void loadStreamsTheLinesEvenWhenQuiet() throws Exception {
        try (RawHttp c = RawHttp.connect(socket)) {
            RawHttp.Response r = c.request("POST", "/images/load?quiet=1", "archive".getBytes(StandardCharsets.UTF_8));
            assertThat(r.text().trim()).isEqualTo("{\"stream\":\"Loaded image: busybox:latest\\n\"}");
        }
    }

    @Test
    void saveChecksNamesBeforeStreaming() throws Exception {
        RawHttp.Response ok = RawHttp.call(socket, "GET", "/images/get?names=a&names=b,c");
        assertThat(ok.header("content-type")).isEqualTo("application/x-tar");
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("tar of [a, b, c]");
        RawHttp.Response missing = RawHttp.call(socket, "GET", "/images/nope/get");
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void pruneAnswersNullWhenNothingWent() throws Exception {
        JsonNode r = RawHttp.call(socket, "POST", "/images/prune").json();
        assertThat(r.get("ImagesDeleted").isNull()).isTrue();
        assertThat(r.get("SpaceReclaimed").asLong()).isZero();
    }

    /** Answers from fixed data and records every call; the name {@code nope} does not exist. */
    static final class FakeBackend implements ImageBackend {
        final List<String> calls = new ArrayList<>();

        private static void exists(String name) {
            if (name.startsWith("nope")) {
                throw ApiException.notFound("No such image: nope:latest");
            }
        }

        @Override
        public List<ImageSummary> list(Filters filters, boolean all) {
            calls.add("list" + (filters.contains("dangling") ? " dangling=" + filters.get("dangling") : ""));
            return List.of(new ImageSummary("sha256:aa", "", List.of("busybox:latest"), List.of(), 1, 42, -1, null,
                    Map.of(), -1));
        }

        @Override
        public ImageInspect inspect(String name) {
            calls.add("inspect " + name);
            exists(name);
            return new ImageInspect("sha256:aa", List.of(), List.of(), "", "", null, null, Map.of(), "amd64", null,
                    "linux", null, 1, new ImageInspect.GraphDriver("overlay2", Map.of()),
                    new ImageInspect.RootFs("layers", List.of()), new ImageInspect.Metadata(null));
        }

        @Override
        public List<HistoryItem> history(String name) {
            exists(name);
            return List.of();
        }

        @Override
        public void tag(String name, String repo, String tag) {
            calls.add("tag " + name + " " + repo + " " + tag);
        }

        @Override
        public List<DeleteItem> delete(String name, boolean force, boolean noPrune) {
            calls.add("delete " + name + " force=" + force + " noprune=" + noPrune);
            return List.of(DeleteItem.untagged(name));
        }

        @Override
        public String importTarball(InputStream tarball, ImportRequest r) {
            try {
                calls.add("import " + r.repo() + " " + r.tag() + " " + r.message() + " " + r.changes() + " "
                        + new String(tarball.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return "sha256:bb";
        }

        @Override
        public List<String> load(InputStream archive) {
            return List.of("Loaded image: busybox:latest");
        }

        @Override
        public void checkSavable(List<String> names) {
            names.forEach(FakeBackend::exists);
        }

        @Override
        public void save(List<String> names, OutputStream out) {
            try {
                out.write(("tar of " + names).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void pull(String reference, String platform, String registryAuth, ProgressSink progress) {
            calls.add("pull " + reference + " " + platform + " " + registryAuth);
            if (reference.startsWith("nope")) {
                throw ApiException.notFound("manifest for " + reference + " not found");
            }
            String[] parts = reference.split(":");
            progress.send(Map.of("status", parts[1] + ": Pulling from library/" + parts[0]));
            if (reference.startsWith("broken")) {
                throw new ApiException(dev.berth.daemon.http.ErrorKind.UNAVAILABLE, "connection reset");
            }
            progress.send(Map.of("status", "Status: Downloaded newer image for " + reference));
        }

        @Override
        public void push(String name, String tag, String registryAuth, ProgressSink progress) {
            calls.add("push " + name + " " + tag + " " + registryAuth);
            exists(name);
            progress.send(Map.of("status", tag + ": digest: sha256:cc size: 1"));
        }

        @Override
        public String login(byte[] authConfig) {
            calls.add("login " + new String(authConfig, StandardCharsets.UTF_8));
            return "Login Succeeded";
        }

        @Override
        public PruneReport prune(Filters filters) {
            return new PruneReport(null, 0);
        }
    }
}
