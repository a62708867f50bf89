package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.FileContentStore;
import dev.berth.oci.image.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference registry with Basic authentication from an htpasswd file. */
class RegistryBasicAuthTest {
    private static final RegistryConfig CONFIG = RegistryConfig.defaults()
            .withRetry(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(50)));

    @TempDir
    Path tmp;
    private TestRegistry registry;
    private RegistryClient client;
    private TestImages.TestImage image;
    private ContentStore source;

    @BeforeEach
    void start() throws Exception {
        registry = TestRegistry.basicAuth(tmp.resolve("registry"), "jane", "s3cret");
        client = new RegistryClient(CONFIG, CredentialProvider.ANONYMOUS);
        image = TestImages.image(new Random(7), Platform.of("linux", "amd64"), 20_000);
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
    }

    @Test
    void credentialsFromTheRegistryAuthHeaderPushAndPull() throws Exception {
        // What the docker CLI sends: URL-safe base64 of the AuthConfig JSON.
        String header = new AuthConfig("jane", "s3cret", null, registry.host(), null, null).encodeHeader();
        Credentials jane = AuthConfig.decodeHeader(header).credentials();
        RemoteRef ref = RemoteRef.of(registry.host(), "private/app", "v1");

        client.push(ref, image.manifest(), source, PushOptions.defaults().withCredentials(jane));
        PullResult pull = client.pull(ref, FileContentStore.open(tmp.resolve("target")),
                PullOptions.defaults().withCredentials(jane));
        assertThat(pull.root()).isEqualTo(image.manifest());
        client.login(registry.host(), jane);
    }

    @Test
    void anonymousPullIsDeniedAsDockerSaysIt() throws Exception {
        RemoteRef ref = RemoteRef.of(registry.host(), "private/app", "v1");
        assertThatThrownBy(() -> client.pull(ref, null, FileContentStore.open(tmp.resolve("t")), ProgressListener.NONE))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e).hasMessage("pull access denied for " + registry.host() + "/private/app, repository"
                            + " does not exist or may require 'docker login': unauthorized: authentication required");
                    assertThat(e.getCause()).isInstanceOfSatisfying(RegistryResponseException.class, r -> {
                        assertThat(r.status()).isEqualTo(401);
                        assertThat(r.has(RegistryError.UNAUTHORIZED)).isTrue();
                    });
                });
    }

    @Test
    void wrongPasswordIsDeniedForPullPushAndLogin() throws Exception {
        Credentials wrong = Credentials.basic("jane", "guess");
        RemoteRef ref = RemoteRef.of(registry.host(), "private/app", "v1");
        assertThatThrownBy(() -> client.pull(ref, FileContentStore.open(tmp.resolve("t")),
                PullOptions.defaults().withCredentials(wrong)))
                .hasMessageStartingWith("pull access denied for " + registry.host() + "/private/app");
        assertThatThrownBy(() -> client.push(ref, image.manifest(), source, PushOptions.defaults().withCredentials(wrong)))
                .isInstanceOf(ImageException.class)
                .hasMessage("unauthorized: authentication required");
        assertThatThrownBy(() -> client.login(registry.host(), wrong))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e).hasMessage("unauthorized: authentication required");
                    assertThat(e.getCause()).isInstanceOf(RegistryResponseException.class);
                });
    }

    @Test
    void credentialsFromADockerConfigFile() throws Exception {
        Path config = tmp.resolve("docker/config.json");
        Files.createDirectories(config.getParent());
        String auth = Base64.getEncoder().encodeToString("jane:s3cret".getBytes(StandardCharsets.UTF_8));
        Files.writeString(config, """
                {"auths": {"https://index.docker.io/v1/": {"auth": "bm9ib2R5Om5vdGhpbmc="},
                           "%s": {"auth": "%s"}},
                 "currentContext": "default"}
                """.formatted(registry.host(), auth));
        try (RegistryClient configured = new RegistryClient(CONFIG, DockerConfigFile.read(config))) {
            RemoteRef ref = RemoteRef.of(registry.host(), "private/app", "v2");
            configured.push(ref, image.manifest(), source, PushOptions.defaults());
            assertThat(configured.pull(ref, null, FileContentStore.open(tmp.resolve("target")), ProgressListener.NONE)
                    .root()).isEqualTo(image.manifest());
        }
    }
}
