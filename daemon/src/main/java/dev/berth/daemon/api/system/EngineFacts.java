package dev.berth.daemon.api.system;

import java.nio.file.Path;
import java.util.List;

/**
 * What the daemon tells about itself in {@code /version} and {@code /info}: its identity, build,
 * settings and the warnings its configuration deserves.
 *
 * @param id                 the engine's ID, kept in the data root across restarts
 * @param version            Berth's version
 * @param buildTime          when it was built (RFC 3339), or empty
 * @param storageDriver      the storage driver as Docker names it ({@code overlay2}; {@code vfs} for a copying store)
 * @param dataRoot           {@code --data-root} ({@code DockerRootDir})
 * @param debug              {@code --debug}
 * @param insecureRegistries {@code --insecure-registry}: CIDRs and host[:port] names
 * @param registryMirrors    {@code --registry-mirror}
 * @param warnings           shown by {@code docker info} (a TCP listener without TLS, for one)
 */
public record EngineFacts(String id, String version, String buildTime, String storageDriver, Path dataRoot, boolean debug,
                          List<String> insecureRegistries, List<String> registryMirrors, List<String> warnings) {
    public EngineFacts {
        insecureRegistries = List.copyOf(insecureRegistries);
        registryMirrors = List.copyOf(registryMirrors);
        warnings = List.copyOf(warnings);
    }
}
