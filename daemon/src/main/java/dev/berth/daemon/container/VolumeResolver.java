package dev.berth.daemon.container;

import java.nio.file.Path;

/**
 * Finds (or creates) the host directory behind a volume mount, so that the spec can bind it. The
 * volume manager implements it; until it exists, tests and callers pass a function.
 */
@FunctionalInterface
public interface VolumeResolver {
    /**
     * The host path of the volume {@code name}, or of a new anonymous volume when {@code name}
     * is null, to be mounted at {@code destination} in container {@code containerId}.
     */
    Path resolve(String name, String destination, String containerId);

    /** A resolver that refuses every volume: for callers that have no volume manager. */
    static VolumeResolver none() {
        return (name, destination, id) -> {
            throw new InvalidContainerConfigException("volumes are not supported yet: " + destination);
        };
    }
}
