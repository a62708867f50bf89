package dev.berth.daemon.container;

import java.util.OptionalLong;

/**
 * The pid of another container's init, for {@code --pid}, {@code --ipc} and {@code --network}
 * {@code container:<name|id>}: the spec joins that process's namespaces through
 * {@code /proc/<pid>/ns/*}. The container manager implements it.
 */
@FunctionalInterface
public interface ContainerPids {
    /** The running container's pid; empty if it exists but is not running. */
    OptionalLong pidOf(String nameOrId);

    /** For callers that manage no other containers: every lookup finds nothing running. */
    static ContainerPids none() {
        return name -> OptionalLong.empty();
    }
}
