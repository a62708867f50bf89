package dev.berth.daemon.api.system;

import java.util.function.Supplier;

/**
 * The services' contributions to {@code /info} and {@code /system/df}, plugged in by the daemon
 * when it wires the services together. {@link #empty()} is a daemon with no objects.
 */
public record Inventory(UsageSource images, UsageSource containers, Supplier<ContainerCounts> containerStates,
                        UsageSource volumes, UsageSource buildCache) {

    public static Inventory empty() {
        return new Inventory(UsageSource.NONE, UsageSource.NONE, () -> ContainerCounts.NONE, UsageSource.NONE,
                UsageSource.NONE);
    }

    public Inventory withImages(UsageSource images) {
        return new Inventory(images, containers, containerStates, volumes, buildCache);
    }

    public Inventory withVolumes(UsageSource volumes) {
        return new Inventory(images, containers, containerStates, volumes, buildCache);
    }

    public Inventory withContainerStates(Supplier<ContainerCounts> states) {
        return new Inventory(images, containers, states, volumes, buildCache);
    }

    UsageSource source(UsageKind kind) {
        return switch (kind) {
            case IMAGE -> images;
            case CONTAINER -> containers;
            case VOLUME -> volumes;
            case BUILD_CACHE -> buildCache;
        };
    }
}
