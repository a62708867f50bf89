package dev.berth.image.registry;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks the manifest for one platform out of an index, as containerd's default matcher does:
 * same OS and architecture, the same variant where both name one, an exact variant match before
 * a loose one, and otherwise the index's order. Also parses {@code --platform} values.
 */
public final class PlatformSelector {
    private PlatformSelector() {}

    /**
     * Parses {@code os/arch[/variant]} ({@code linux/arm64/v8}) or a lone architecture or OS
     * ({@code arm64}, {@code linux}, completed with the host's), normalizing the architecture
     * names that people and the JVM use to Go's ({@code x86_64} → {@code amd64},
     * {@code aarch64} → {@code arm64}, {@code armhf} → {@code arm/v7}).
     */
    public static Platform parse(String text) throws ImageException {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/", -1);
        for (String part : parts) {
            if (part.isEmpty() || !part.matches("[a-z0-9_.-]+")) {
                throw ImageException.invalid("\"" + text + "\": unknown operating system or architecture: invalid argument");
            }
        }
        Platform host = Platform.host();
        return switch (parts.length) {
            case 1 -> List.of("linux", "windows", "darwin", "freebsd").contains(parts[0])
                    ? new Platform(host.architecture(), parts[0], null, null, host.variant(), null)
                    : normalize("linux", parts[0], null);
            case 2 -> normalize(parts[0], parts[1], null);
            case 3 -> normalize(parts[0], parts[1], parts[2]);
            default -> throw ImageException.invalid("\"" + text + "\": unknown operating system or architecture: invalid argument");
        };
    }

    private static Platform normalize(String os, String arch, String variant) {
        String architecture = arch;
        String v = variant;
        switch (arch) {
            case "x86_64", "x86-64" -> architecture = "amd64";
            case "i386", "i686" -> architecture = "386";
            case "aarch64" -> architecture = "arm64";
            case "armhf", "armel" -> {
                architecture = "arm";
                v = v != null ? v : arch.equals("armhf") ? "v7" : "v6";
            }
            default -> { }
        }
        if (architecture.equals("arm64") && "8".equals(v)) {
            v = "v8";
        }
        if (architecture.equals("arm") && v != null && v.matches("[5-8]")) {
            v = "v" + v;
        }
        return new Platform(architecture, os, null, null, v, null);
    }

    /**
     * The descriptor of {@code wanted}'s manifest in {@code index}; {@code NOT_FOUND} with
     * Docker's message if there is none.
     */
    public static Descriptor select(Index index, Platform wanted) throws ImageException {
        return index.manifests().stream()
                .filter(d -> d.platform() != null && wanted.matches(d.platform()))
                .filter(d -> d.mediaType() == null || MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType()))
                .min(Comparator.comparingInt(d -> exactVariant(wanted, d.platform()) ? 0 : 1))
                .orElseThrow(() -> ImageException.notFound(
                        "no matching manifest for " + wanted + " in the manifest list entries"));
    }

    private static boolean exactVariant(Platform wanted, Platform candidate) {
        String a = wanted.variant() == null ? "" : wanted.variant();
        String b = candidate.variant() == null ? "" : candidate.variant();
        return a.equals(b);
    }
}
