package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.FileContentStore;
import dev.berth.oci.image.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer token authentication end to end: the reference registry in {@code auth.token} mode
 * challenges, the client asks the test token server (which signs JWTs with the test CA's key)
 * for a token with the right service and scope, and the registry checks the token's signature,
 * audience and access claims.
 */
class RegistryTokenAuthTest {
    private static final String SERVICE = "berth-test-registry";
    private static final String ISSUER = "berth-test-issuer";

    @TempDir
    static Path shared;
    private static TestCa ca;

    @TempDir
    Path tmp;
    private TokenServer tokens;
    private TestRegistry registry;
    private MutableClock clock;
    private RegistryClient client;
    private TestImages.TestImage image;
    private ContentStore source;
    private final Credentials alice = Credentials.basic("alice", "wonderland");

    @BeforeAll
    static void createCa() throws Exception {
        ca = TestCa.create(shared.resolve("ca"));
    }

    @BeforeEach
    void start() throws Exception {
        // alice may do anything; anonymous users may only pull from public/.
        tokens = new TokenServer(ca, ISSUER, Map.of("alice", "wonderland"), Map.of("refresh-alice", "alice"),
                (user, repository) -> "alice".equals(user) ? Set.of("pull", "push")
                        : repository.startsWith("public/") ? Set.of("pull") : Set.of());
        registry = TestRegistry.token(tmp.resolve("registry"), ca, tokens.realm(), SERVICE, ISSUER);
        clock = new MutableClock();
        client = new RegistryClient(RegistryConfig.defaults()
                .withRetry(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(50))),
                CredentialProvider.ANONYMOUS, clock);
        image = TestImages.image(new Random(3), Platform.of("linux", "amd64"), 30_000, 4_000);
        source = FileContentStore.open(tmp.resolve("source"));
        image.storeIn(source);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    @Test
    void tokensAreAskedForWithServiceAndScopeAndCachedUntilExpiry() throws Exception {
        RemoteRef ref = RemoteRef.of(registry.host(), "team/app", "v1");
        client.push(ref, image.manifest(), source, PushOptions.defaults().withCredentials(alice));

        List<TokenServer.Request> pushTokens = tokens.requests();
        assertThat(pushTokens).isNotEmpty().allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.service()).isEqualTo(SERVICE);
            assertThat(r.scopes()).containsExactly("repository:team/app:pull,push");
            assertThat(r.user()).isEqualTo("alice");
            assertThat(r.account()).isEqualTo("alice");
        });
        // One token served the whole push: the blob checks, uploads and the manifest.
        assertThat(pushTokens).hasSize(1);

        client.pull(ref, FileContentStore.open(tmp.resolve("t1")), PullOptions.defaults().withCredentials(alice));
        client.pull(ref, FileContentStore.open(tmp.resolve("t2")), PullOptions.defaults().withCredentials(alice));
        List<TokenServer.Request> pullTokens = tokens.requests().subList(1, tokens.requests().size());
        assertThat(pullTokens).hasSize(1);
        assertThat(pullTokens.getFirst().scopes()).containsExactly("repository:team/app:pull");

        clock.advance(Duration.ofMinutes(10)); // past expires_in (300 s)
        client.pull(ref, FileContentStore.open(tmp.resolve("t3")), PullOptions.defaults().withCredentials(alice));
        assertThat(tokens.requests()).hasSize(3);
    }

    @Test
    void accessTokenFieldAndIdentityTokensAreUnderstood() throws Exception {
        RemoteRef ref = RemoteRef.of(registry.host(), "team/app", "v1");
        tokens.useAccessTokenField(true);
        client.push(ref, image.manifest(), source, PushOptions.defaults().withCredentials(alice));

        // docker login stored a refresh token: it is exchanged with an OAuth2 POST.
        Credentials identity = new Credentials(null, null, "refresh-alice", null);
        PullResult pull = client.pull(ref, FileContentStore.open(tmp.resolve("t")),
                PullOptions.defaults().withCredentials(identity));
        assertThat(pull.root()).isEqualTo(image.manifest());
        TokenServer.Request last = tokens.requests().getLast();
        assertThat(last.method()).isEqualTo("POST");
        assertThat(last.user()).isEqualTo("alice");
        assertThat(last.scopes()).containsExactly("repository:team/app:pull");
    }

    @Test
    void anonymousUsersGetWhatTheTokenServerGrants() throws Exception {
        client.push(RemoteRef.of(registry.host(), "public/app", "v1"), image.manifest(), source,
                PushOptions.defaults().withCredentials(alice));
        client.push(RemoteRef.of(registry.host(), "team/app", "v1"), image.manifest(), source,
                PushOptions.defaults().withCredentials(alice));

        PullResult pull = client.pull(RemoteRef.of(registry.host(), "public/app", "v1"), null,
                FileContentStore.open(tmp.resolve("t")), ProgressListener.NONE);
        assertThat(pull.root()).isEqualTo(image.manifest());
        assertThat(tokens.requests().getLast().user()).isNull();

        RemoteRef denied = RemoteRef.of(registry.host(), "team/app", "v1");
        assertThatThrownBy(() -> client.pull(denied, null, FileContentStore.open(tmp.resolve("t2")), ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.NOT_FOUND);
                    assertThat(e).hasMessageStartingWith("pull access denied for " + registry.host() + "/team/app,"
                            + " repository does not exist or may require 'docker login': ");
                });
        assertThatThrownBy(() -> client.push(RemoteRef.of(registry.host(), "public/app", "v2"), image.manifest(), source,
                PushOptions.defaults()))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("unauthorized");
    }

    @Test
    void wrongPasswordAtTheTokenServer() throws Exception {
        RemoteRef ref = RemoteRef.of(registry.host(), "team/app", "v1");
        assertThatThrownBy(() -> client.pull(ref, FileContentStore.open(tmp.resolve("t")),
                PullOptions.defaults().withCredentials(Credentials.basic("alice", "nope"))))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e).hasMessageStartingWith("pull access denied for " + registry.host() + "/team/app");
                    assertThat(e.getCause()).isInstanceOfSatisfying(RegistryResponseException.class, r -> {
                        assertThat(r.status()).isEqualTo(401);
                        assertThat(r.uri().toString()).startsWith(tokens.realm());
                    });
                });
        assertThatThrownBy(() -> client.login(registry.host(), Credentials.basic("alice", "nope")))
                .hasMessage("unauthorized: authentication required");
        client.login(registry.host(), alice);
    }

    @Test
    void mountSourcesJoinTheTokenScope() throws Exception {
        client.push(RemoteRef.of(registry.host(), "team/a", "v1"), image.manifest(), source,
                PushOptions.defaults().withCredentials(alice));
        PushResult push = client.push(RemoteRef.of(registry.host(), "team/b", "v1"), image.manifest(), source,
                PushOptions.defaults().withCredentials(alice).withMountFrom("team/a"));
        assertThat(push.blobs().values()).containsOnly(PushResult.Outcome.MOUNTED);
        assertThat(tokens.requests().getLast().scopes())
                .containsExactly("repository:team/b:pull,push", "repository:team/a:pull");
    }
}
