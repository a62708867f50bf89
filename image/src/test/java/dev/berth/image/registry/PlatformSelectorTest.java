package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformSelectorTest {

    private static Descriptor entry(int n, Platform platform) {
        return Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.of(new byte[] {(byte) n}), 100 + n).withPlatform(platform);
    }

    private static Platform p(String arch, String variant) {
        return new Platform(arch, "linux", null, null, variant, null);
    }

    @Test
    void parsesPlatformFlags() throws Exception {
        assertThat(PlatformSelector.parse("linux/amd64")).isEqualTo(Platform.of("linux", "amd64"));
        assertThat(PlatformSelector.parse("linux/arm64/v8")).isEqualTo(p("arm64", "v8"));
        assertThat(PlatformSelector.parse("linux/arm/7")).isEqualTo(p("arm", "v7"));
        assertThat(PlatformSelector.parse("linux/x86_64")).isEqualTo(Platform.of("linux", "amd64"));
        assertThat(PlatformSelector.parse("aarch64")).isEqualTo(p("arm64", null));
        assertThat(PlatformSelector.parse("armhf")).isEqualTo(p("arm", "v7"));
        assertThat(PlatformSelector.parse("Linux/AMD64")).isEqualTo(Platform.of("linux", "amd64"));
        assertThat(PlatformSelector.parse("linux").os()).isEqualTo("linux");
        assertThatThrownBy(() -> PlatformSelector.parse("linux//amd64"))
                .isInstanceOf(ImageException.class)
                .hasMessage("\"linux//amd64\": unknown operating system or architecture: invalid argument");
    }

    @Test
    void picksTheMatchingEntryPreferringTheExactVariant() throws Exception {
        Index index = Index.of(MediaTypes.OCI_INDEX, List.of(
                entry(1, Platform.of("linux", "amd64")),
                entry(2, p("arm", "v6")),
                entry(3, p("arm", "v7")),
                entry(4, p("arm64", null)),
                entry(5, new Platform("unknown", "unknown", null, null, null, null))));
        assertThat(PlatformSelector.select(index, Platform.of("linux", "amd64")).size()).isEqualTo(101);
        assertThat(PlatformSelector.select(index, p("arm", "v7")).size()).isEqualTo(103);
        assertThat(PlatformSelector.select(index, p("arm64", "v8")).size()).isEqualTo(104); // arm64 means v8
        assertThatThrownBy(() -> PlatformSelector.select(index, Platform.of("linux", "riscv64")))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.NOT_FOUND))
                .hasMessage("no matching manifest for linux/riscv64 in the manifest list entries");
    }
}
