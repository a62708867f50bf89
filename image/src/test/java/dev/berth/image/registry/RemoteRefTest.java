package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.reference.ImageReference;
import dev.berth.oci.image.Digest;
import org.junit.jupiter.api.Test;

class RemoteRefTest {
    private static final String DIGEST = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";

    @Test
    void dockerHubNamesAreNormalizedAndServedFromRegistryOne() {
        RemoteRef busybox = RemoteRef.of("docker.io", "busybox", "latest");
        assertThat(busybox.repository()).isEqualTo("library/busybox");
        assertThat(busybox.apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(busybox.familiarString()).isEqualTo("busybox:latest");
        assertThat(busybox).hasToString("docker.io/library/busybox:latest");
        assertThat(RemoteRef.of("index.docker.io", "user/app", "1").familiarName()).isEqualTo("user/app");
        assertThat(RemoteRef.of("docker.io", "library/a/b", "1").familiarName()).isEqualTo("library/a/b");
    }

    @Test
    void otherRegistriesKeepTheirNames() {
        RemoteRef ref = RemoteRef.of("localhost:5000", "app", DIGEST);
        assertThat(ref.apiHost()).isEqualTo("localhost:5000");
        assertThat(ref.digest()).isEqualTo(Digest.parse(DIGEST));
        assertThat(ref.reference()).isEqualTo(DIGEST);
        assertThat(ref.familiarString()).isEqualTo("localhost:5000/app@" + DIGEST);
        assertThat(ref.fullName()).isEqualTo("localhost:5000/app");
        assertThatThrownBy(() -> new RemoteRef("h", "r", null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void adaptsParsedImageReferences() throws Exception {
        assertThat(RemoteRef.of(ImageReference.parse("busybox")))
                .isEqualTo(new RemoteRef("docker.io", "library/busybox", "latest", null));
        assertThat(RemoteRef.of(ImageReference.parse("localhost:5000/a/b@" + DIGEST)))
                .isEqualTo(new RemoteRef("localhost:5000", "a/b", null, Digest.parse(DIGEST)));
    }
}
