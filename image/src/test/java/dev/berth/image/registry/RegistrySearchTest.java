package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code docker search} against a registry with a v1 search endpoint and one without: the term
 * names the index, the rest is the query, the limit goes along as {@code n}, and a registry
 * without search is an error that says its status.
 */
class RegistrySearchTest {
    private static final RegistryConfig CONFIG = RegistryConfig.defaults()
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));

    private FakeRegistry fake;
    private RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeRegistry();
        client = new RegistryClient(CONFIG, CredentialProvider.ANONYMOUS);
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @Test
    void aTermWithAHostSearchesThatRegistryForTheRest() throws Exception {
        fake.route("GET", "/v1/_ping", (ex, n) -> FakeRegistry.respond(ex, 200, Map.of(), "true".getBytes()));
        fake.route("GET", "/v1/search", (ex, n) -> FakeRegistry.respond(ex, 200,
                Map.of("Content-Type", "application/json"), """
                {"num_results":2,"query":"busy","results":[
                 {"name":"busybox","description":"tiny","star_count":7,"is_official":true,"is_automated":false,"extra":1},
                 {"name":"me/busy","description":"","star_count":0,"is_official":false,"is_automated":true}]}
                """.getBytes()));

        assertThat(client.search(fake.host() + "/busy", 2, Credentials.basic("me", "secret"))).containsExactly(
                new SearchResult(7, true, "busybox", false, "tiny"), new SearchResult(0, false, "me/busy", true, ""));
        FakeRegistry.Seen asked = fake.requests("GET", "/v1/search").getFirst();
        assertThat(asked.query()).isEqualTo("q=busy&n=2");
        assertThat(asked.header("Authorization")).startsWith("Basic ");

        client.search(fake.host() + "/a b", 0, null);
        assertThat(fake.requests("GET", "/v1/search").get(1).query()).as("the default limit").isEqualTo("q=a+b&n=25");
    }

    @Test
    void aRegistryWithoutSearchIsAnErrorNamingTheStatus() {
        // docker-registry 2.8 answers every /v1/ path with 404, the ping included: any answer is one
        assertThatThrownBy(() -> client.search(fake.host() + "/busy", 0, null))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.INTERNAL);
                    assertThat(e).hasMessage("search " + fake.host() + "/busy: unexpected status code 404");
                });
    }

    @Test
    void aPlainHttpRegistryIsSearchedOnlyIfItIsInsecure() throws Exception {
        fake.route("GET", "/v1/search", (ex, n) -> FakeRegistry.respond(ex, 200, Map.of(), "{\"results\":[]}".getBytes()));
        // Short timeouts: a plain-HTTP server never answers a TLS hello, so HTTPS fails by timing out.
        RegistryConfig strict = CONFIG.withLoopbackInsecure(false).withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500));
        try (RegistryClient secure = new RegistryClient(strict, CredentialProvider.ANONYMOUS);
                RegistryClient insecure = new RegistryClient(strict.withInsecureRegistries(java.util.List.of(fake.host())),
                        CredentialProvider.ANONYMOUS)) {
            assertThatThrownBy(() -> secure.search(fake.host() + "/busy", 0, null))
                    .isInstanceOfSatisfying(ImageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);
                        assertThat(e).hasMessageStartingWith("invalid registry endpoint https://" + fake.host() + "/v1/: ")
                                .hasMessageEndingWith("please add `--insecure-registry " + fake.host()
                                        + "` to the daemon's arguments");
                    });
            assertThat(fake.requests("GET", "/v1/search")).isEmpty();
            assertThat(insecure.search(fake.host() + "/busy", 0, null)).isEmpty();
            assertThat(fake.requests("GET", "/v1/search")).hasSize(1);
        }
    }

    @Test
    void badTermsAndLimitsAreRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> client.search("http://" + fake.host() + "/busy", 0, null))
                .isInstanceOf(ImageException.class).hasMessage("invalid repository name: repository name (http://"
                        + fake.host() + "/busy) should not have a scheme");
        for (int limit : new int[] {-1, 101}) {
            assertThatThrownBy(() -> client.search(fake.host() + "/busy", limit, null))
                    .isInstanceOfSatisfying(ImageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);
                        assertThat(e).hasMessage("limit " + limit + " is outside the range of [1, 100]");
                    });
        }
        assertThat(fake.requests("GET", "/v1/search")).isEmpty();
    }

    @Test
    void theIndexIsTheFirstPartIfItLooksLikeAHost() {
        assertThat(RegistrySearch.split("busybox")).containsExactly("docker.io", "busybox");
        assertThat(RegistrySearch.split("library/busybox")).containsExactly("docker.io", "library/busybox");
        assertThat(RegistrySearch.split("docker.io/x/y")).containsExactly("docker.io", "x/y");
        assertThat(RegistrySearch.split("localhost/x")).containsExactly("localhost", "x");
        assertThat(RegistrySearch.split("127.0.0.1:5000/x/y")).containsExactly("127.0.0.1:5000", "x/y");
        assertThat(RegistrySearch.split("reg.example/x")).containsExactly("reg.example", "x");
    }
}
