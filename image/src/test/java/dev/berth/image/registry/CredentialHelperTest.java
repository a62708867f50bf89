package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.FileContentStore;
import dev.berth.oci.image.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code credsStore} and {@code credHelpers} of a docker config file, with shell-script helpers
 * in a directory of their own (the lookup path is given, the JVM's {@code PATH} untouched),
 * against the reference registry with Basic authentication.
 */
class CredentialHelperTest {
    private static final RegistryConfig CONFIG = RegistryConfig.defaults()
            .withRetry(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(50)));

    @TempDir
    Path tmp;
    private Path helpers;
    private TestRegistry registry;
    private TestImages.TestImage image;
    private ContentStore source;

    @BeforeEach
    void start() throws Exception {
        helpers = Files.createDirectories(tmp.resolve("bin"));
        // Answers for the registry it was asked about, remembering the argument and the input.
        helper("store", """
                #!/bin/sh
                read -r server || true
                echo "$1 $server" >> "%s"
                case "$server" in
                  127.0.0.1:*) echo "{\\"ServerURL\\":\\"$server\\",\\"Username\\":\\"jane\\",\\"Secret\\":\\"s3cret\\"}" ;;
                  token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"refresh"}' ;;
                  *) echo "credentials not found in native keychain"; exit 1 ;;
                esac
                """.formatted(tmp.resolve("asked")));
        helper("broken", """
                #!/bin/sh
                echo "keychain is locked" >&2
                exit 3
                """);
        registry = TestRegistry.basicAuth(tmp.resolve("registry"), "jane", "s3cret");
        image = TestImages.image(new Random(11), Platform.of("linux", "amd64"), 10_000);
        source = FileContentStore.open(tmp.resolve("source"));
        image.storeIn(source);
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private void helper(String name, String script) throws Exception {
        Path file = helpers.resolve("docker-credential-" + name);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private DockerConfigFile config(String json) throws Exception {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        return DockerConfigFile.read(file, List.of(tmp.resolve("nothing-here"), helpers));
    }

    @Test
    void aCredentialStoreAnswersForTheRegistryAndPushAndPullWork() throws Exception {
        DockerConfigFile config = config("""
                {"auths": {"%s": {}}, "credsStore": "store"}
                """.formatted(registry.host()));
        try (RegistryClient client = new RegistryClient(CONFIG, config)) {
            RemoteRef ref = RemoteRef.of(registry.host(), "private/app", "v1");
            client.push(ref, image.manifest(), source, PushOptions.defaults());
            assertThat(client.pull(ref, null, FileContentStore.open(tmp.resolve("target")), ProgressListener.NONE)
                    .root()).isEqualTo(image.manifest());
        }
        assertThat(Files.readAllLines(tmp.resolve("asked"))).contains("get " + registry.host());
    }

    @Test
    void aRegistrysOwnHelperWinsOverTheStoreAndTheAuthsEntry() throws Exception {
        DockerConfigFile config = config("""
                {"auths": {"%1$s": {"auth": "amFuZTp3cm9uZw=="}},
                 "credsStore": "broken", "credHelpers": {"%1$s": "store"}}
                """.formatted(registry.host()));
        assertThat(config.credentials(registry.host())).isEqualTo(Credentials.basic("jane", "s3cret"));
        DockerConfigFile optedOut = config("""
                {"auths": {"localhost:5000": {"auth": "amFuZTp3cm9uZw=="}},
                 "credsStore": "broken", "credHelpers": {"localhost:5000": ""}}
                """);
        assertThat(optedOut.credentials("localhost:5000")).isEqualTo(Credentials.basic("jane", "wrong"));
        try (RegistryClient client = new RegistryClient(CONFIG, config)) {
            client.push(RemoteRef.of(registry.host(), "private/own", "v1"), image.manifest(), source,
                    PushOptions.defaults());
        }
    }

    @Test
    void dockerHubIsAskedForByItsIndexUrlAndATokenUserIsAnIdentityToken() throws Exception {
        DockerConfigFile config = config("""
                {"credsStore": "store"}
                """);
        assertThat(config.credentials("docker.io")).isEqualTo(Credentials.ANONYMOUS);
        assertThat(config.credentials("token.example")).isEqualTo(new Credentials(null, null, "refresh", null));
        assertThat(Files.readAllLines(tmp.resolve("asked")))
                .containsExactly("get https://index.docker.io/v1/", "get token.example");
    }

    @Test
    void aMissingOrFailingHelperIsOneErrorNamingIt() throws Exception {
        DockerConfigFile missing = config("""
                {"credHelpers": {"%s": "nope"}}
                """.formatted(registry.host()));
        try (RegistryClient client = new RegistryClient(CONFIG, missing)) {
            assertThatThrownBy(() -> client.pull(RemoteRef.of(registry.host(), "private/app", "v1"), null,
                    FileContentStore.open(tmp.resolve("t")), ProgressListener.NONE))
                    .isInstanceOf(ImageException.class)
                    .hasMessage("get credentials for " + registry.host()
                            + " from docker-credential-nope: executable file not found in PATH");
        }
        DockerConfigFile broken = config("""
                {"credsStore": "broken"}
                """);
        assertThatThrownBy(() -> broken.credentials("localhost:5000"))
                .isInstanceOf(ImageException.class)
                .hasMessage("get credentials for localhost:5000 from docker-credential-broken: exit status 3:"
                        + " keychain is locked");
        assertThatThrownBy(() -> config("""
                {"credsStore": 7}
                """)).hasMessageEndingWith("credsStore: expected the name of a credential helper");
    }
}
