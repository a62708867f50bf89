package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentStore;
import dev.berth.image.content.FileContentStore;
import dev.berth.oci.image.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How registries are reached: HTTPS verified against {@code certs.d} CAs, client certificates,
 * and Docker's insecure-registry rules (loopback insecure by default; listed names and CIDRs;
 * HTTPS without verification first, then plain HTTP).
 */
class RegistryTlsTest {
    private static final RegistryConfig BASE = RegistryConfig.defaults()
            .withRetry(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(50)));

    @TempDir
    static Path shared;
    private static TestCa ca;

    @TempDir
    Path tmp;
    private TestImages.TestImage image;
    private ContentStore source;

    @BeforeAll
    static void createCa() throws Exception {
        ca = TestCa.create(shared.resolve("ca"));
    }

    @BeforeEach
    void createImage() throws Exception {
        image = TestImages.image(new Random(11), Platform.of("linux", "amd64"), 15_000);
        source = FileContentStore.open(tmp.resolve("source"));
        image.storeIn(source);
    }

    private void roundTrip(RegistryConfig config, String host) throws Exception {
        try (RegistryClient client = new RegistryClient(config, CredentialProvider.ANONYMOUS)) {
            RemoteRef ref = RemoteRef.of(host, "secure/app", "v1");
            client.push(ref, image.manifest(), source, PushOptions.defaults());
            ContentStore target = FileContentStore.open(Files.createTempDirectory(tmp, "target"));
            assertThat(client.pull(ref, null, target, ProgressListener.NONE).root()).isEqualTo(image.manifest());
        }
    }

    @Test
    void verifiesTheRegistryWithTheCaFromCertsD() throws Exception {
        try (TestRegistry registry = TestRegistry.tls(tmp.resolve("registry"), ca, false)) {
            Path certsDir = ca.certsDir(tmp.resolve("certs.d"), registry.host(), false);
            roundTrip(BASE.withLoopbackInsecure(false).withCertsDir(certsDir), registry.host());
            assertThat(registry.requests()).contains("GET /v2/ 200");
        }
    }

    @Test
    void refusesARegistryWhoseCertificateItCannotVerify() throws Exception {
        try (TestRegistry registry = TestRegistry.tls(tmp.resolve("registry"), ca, false);
                RegistryClient client = new RegistryClient(BASE.withLoopbackInsecure(false)
                        .withCertsDir(Files.createDirectories(tmp.resolve("empty-certs.d"))), CredentialProvider.ANONYMOUS)) {
            RemoteRef ref = RemoteRef.of(registry.host(), "secure/app", "v1");
            assertThatThrownBy(() -> client.pull(ref, null, FileContentStore.open(tmp.resolve("t")), ProgressListener.NONE))
                    .isInstanceOfSatisfying(ImageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAVAILABLE);
                        assertThat(e).hasMessageStartingWith("Get \"https://" + registry.host() + "/v2/\": ")
                                .hasMessageContaining("certification path");
                    });
        }
    }

    @Test
    void presentsTheClientCertificateFromCertsD() throws Exception {
        try (TestRegistry registry = TestRegistry.tls(tmp.resolve("registry"), ca, true)) {
            Path withClient = ca.certsDir(tmp.resolve("certs.d"), registry.host(), true);
            roundTrip(BASE.withLoopbackInsecure(false).withCertsDir(withClient), registry.host());

            Path withoutClient = ca.certsDir(tmp.resolve("certs-no-client.d"), registry.host(), false);
            try (RegistryClient client = new RegistryClient(BASE.withLoopbackInsecure(false).withCertsDir(withoutClient),
                    CredentialProvider.ANONYMOUS)) {
                assertThatThrownBy(() -> client.pull(RemoteRef.of(registry.host(), "secure/app", "v1"), null,
                        FileContentStore.open(tmp.resolve("t")), ProgressListener.NONE))
                        .isInstanceOfSatisfying(ImageException.class,
                                e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAVAILABLE));
            }
        }
    }

    @Test
    void loopbackRegistriesAreInsecureByDefaultAsInDocker() throws Exception {
        // No CA anywhere: TLS without verification is what Docker does for 127.0.0.0/8.
        try (TestRegistry registry = TestRegistry.tls(tmp.resolve("registry"), ca, false)) {
            roundTrip(BASE.withCertsDir(tmp.resolve("no-certs.d")), registry.host());
        }
    }

    @Test
    void plainHttpOnlyForInsecureRegistries() throws Exception {
        try (TestRegistry registry = TestRegistry.plain(tmp.resolve("registry"))) {
            RegistryConfig secureLoopback = BASE.withLoopbackInsecure(false).withCertsDir(tmp.resolve("no-certs.d"));
            try (RegistryClient client = new RegistryClient(secureLoopback, CredentialProvider.ANONYMOUS)) {
                assertThatThrownBy(() -> client.push(RemoteRef.of(registry.host(), "app", "v1"), image.manifest(), source,
                        PushOptions.defaults()))
                        .isInstanceOfSatisfying(ImageException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAVAILABLE);
                            assertThat(e).hasMessageStartingWith("Get \"https://" + registry.host() + "/v2/\": ");
                        });
            }
            roundTrip(secureLoopback.withInsecureRegistries(List.of(registry.host())), registry.host());
            roundTrip(secureLoopback.withInsecureRegistries(List.of("127.0.0.0/8")), registry.host());
        }
    }
}
