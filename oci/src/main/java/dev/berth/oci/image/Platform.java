package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * The platform an image runs on ({@code image-index.md}, "platform"): the CPU architecture and
 * operating system as Go names them ({@code amd64}, {@code arm64}, {@code linux}), with an
 * optional variant ({@code v7}, {@code v8}). An index lists one manifest per platform; pulls and
 * loads pick the host's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Platform(
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        String variant,
        List<String> features) {

    public static Platform of(String os, String architecture) {
        return new Platform(architecture, os, null, null, null, null);
    }

    /**
     * The platform of this machine in Go's names, from the JVM's {@code os.arch}. The JVM's names
     * differ from Go's ({@code x86_64}, {@code aarch64}); images only know Go's.
     */
    public static Platform host() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> Platform.of("linux", "amd64");
            case "aarch64", "arm64" -> new Platform("arm64", "linux", null, null, "v8", null);
            case "arm" -> new Platform("arm", "linux", null, null, "v7", null);
            case "x86", "i386", "i486", "i586", "i686" -> Platform.of("linux", "386");
            default -> Platform.of("linux", arch); // ppc64le, s390x, riscv64: the same in both
        };
    }

    /**
     * Whether an image for {@code candidate} runs here, as containerd's default matcher decides:
     * same os and architecture, and the same variant where both name one ({@code arm64} images
     * without a variant are {@code v8}).
     */
    public boolean matches(Platform candidate) {
        if (candidate == null || !os.equals(candidate.os()) || !architecture.equals(candidate.architecture())) {
            return false;
        }
        String mine = normalVariant(this);
        String theirs = normalVariant(candidate);
        return mine == null || theirs == null || mine.equals(theirs);
    }

    private static String normalVariant(Platform platform) {
        if (platform.variant() == null || platform.variant().isEmpty()) {
            return "arm64".equals(platform.architecture()) ? "v8" : null;
        }
        return platform.variant();
    }

    /** {@code linux/amd64} or {@code linux/arm/v7}, as {@code --platform} spells it. */
    @Override
    public String toString() {
        String base = os + "/" + architecture;
        return variant == null || variant.isEmpty() ? base : base + "/" + variant;
    }
}
