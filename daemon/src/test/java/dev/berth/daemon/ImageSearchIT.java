package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.image.registry.TestRegistry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker search} through the real docker CLI and berthd: against a stand-in registry on
 * 127.0.0.1 that has dockerd's v1 search endpoint (and honours its {@code n}), with
 * {@code --limit} and {@code --filter} applied as dockerd applies them, and against Debian's
 * real docker-registry, which has no search: one error line saying the registry's status.
 */
@RequiresDockerCli
class ImageSearchIT {
    /** What the stand-in knows, in its order: the limit takes the first ones, the filters then pick. */
    private static final String RESULTS = """
            {"name":"busybox","description":"the official one","star_count":10,"is_official":true,"is_automated":false},
            {"name":"me/busy","description":"mine","star_count":1,"is_official":false,"is_automated":true},
            {"name":"you/busy","description":"yours","star_count":5,"is_official":false,"is_automated":false}""";

    @TempDir
    static Path dir;

    private static HttpServer index;
    private static final List<String> queries = new CopyOnWriteArrayList<>();
    private static BerthdProcess daemon;
    private static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        index = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        index.createContext("/v1/_ping", ex -> answer(ex, 200, "true"));
        index.createContext("/v1/search", ex -> {
            String query = ex.getRequestURI().getRawQuery();
            queries.add(query);
            int n = Integer.parseInt(query.replaceAll(".*[?&]?n=(\\d+).*", "$1"));
            List<String> all = RESULTS.lines().map(l -> l.replaceAll(",$", "")).toList();
            List<String> some = all.subList(0, Math.min(n, all.size()));
            answer(ex, 200, "{\"num_results\":" + some.size() + ",\"query\":\"busy\",\"results\":["
                    + String.join(",", some) + "]}");
        });
        index.start();
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
    }

    @AfterAll
    static void stop() throws Exception {
        try (BerthdProcess d = daemon) {
            if (index != null) {
                index.stop(0);
            }
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String term() {
        return "127.0.0.1:" + index.getAddress().getPort() + "/busy";
    }

    @Test
    void theLimitGoesToTheRegistryAndTheFiltersPickFromWhatItFound() throws Exception {
        String format = "{{.Name}}|{{.StarCount}}|{{.IsOfficial}}|{{.Description}}";
        DockerCli.Result limited = docker.run("search", "--limit", "2", "--filter", "stars=3", "--format", format,
                term()).ok();
        assertThat(limited.out().lines()).containsExactly("busybox|10|[OK]|the official one");
        assertThat(queries.getLast()).isEqualTo("q=busy&n=2");

        DockerCli.Result unofficial = docker.run("search", "--filter", "is-official=false", "--format", format,
                term()).ok();
        assertThat(unofficial.out().lines()).containsExactly("me/busy|1||mine", "you/busy|5||yours");
        assertThat(queries.getLast()).isEqualTo("q=busy&n=25");

        // the deprecated filter finds nothing without asking, and is_automated is never true
        int asked = queries.size();
        assertThat(docker.run("search", "--filter", "is-automated=true", term()).ok().out().lines()).hasSize(1);
        assertThat(queries).hasSize(asked);
        RawHttp.Response raw = RawHttp.call(daemon.socket, "GET", "/images/search?term="
                + URLEncoder.encode(term(), StandardCharsets.UTF_8));
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.json()).hasSize(3);
        raw.json().forEach(r -> assertThat(r.get("is_automated").asBoolean()).isFalse());
    }

    @Test
    void badFiltersAndLimitsAreOneLineAndA400() throws Exception {
        int asked = queries.size();
        assertOneError(docker.run("search", "--filter", "color=red", term()), "invalid filter 'color'");
        assertOneError(docker.run("search", "--filter", "stars=many", term()), "invalid filter 'stars=many'");
        assertOneError(docker.run("search", "--filter", "is-official=maybe", term()),
                "invalid filter 'is-official=maybe'");
        assertOneError(docker.run("search", "--limit", "101", term()), "limit 101 is outside the range of [1, 100]");
        assertOneError(docker.run("search", "http://" + term()), "should not have a scheme");
        for (String query : List.of("filters=%7B%22color%22%3A%5B%22red%22%5D%7D", "limit=-3", "limit=101")) {
            RawHttp.Response raw = RawHttp.call(daemon.socket, "GET", "/images/search?term="
                    + URLEncoder.encode(term(), StandardCharsets.UTF_8) + "&" + query);
            assertThat(raw.status()).as(query + ": " + raw.text()).isEqualTo(400);
        }
        assertThat(queries).as("no bad request reached the registry").hasSize(asked);
    }

    @Test
    void aRegistryWithoutSearchIsAnErrorSayingItsStatus() throws Exception {
        TestRegistry.assumeInstalled();
        try (TestRegistry registry = TestRegistry.plain(dir.resolve("registry"))) {
            String term = registry.host() + "/busy";
            String message = "search " + term + ": unexpected status code 404";
            assertOneError(docker.run("search", term), message);
            RawHttp.Response raw = RawHttp.call(daemon.socket, "GET", "/images/search?term="
                    + URLEncoder.encode(term, StandardCharsets.UTF_8));
            assertThat(raw.status()).isEqualTo(500);
            assertThat(raw.json().get("message").asText()).isEqualTo(message);
        }
    }

    /** Exit status 1 and one line on stderr containing {@code text}. */
    private static void assertOneError(DockerCli.Result r, String text) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err().strip().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(text);
    }
}
