package dev.berth.daemon.network;

import dev.berth.daemon.container.ContainerRecord;
import dev.berth.daemon.container.EndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** What the network code needs of the containers: find them, and change the networks a container joins. */
public interface ContainerDirectory {
    /** The container, or 404 {@code No such container: x}. */
    ContainerRecord get(String nameOrId);

    List<ContainerRecord> all();

    /** Applies {@code change} to the container's networks under its lock and saves it; the new record. */
    ContainerRecord updateNetworks(String id, UnaryOperator<Map<String, EndpointConfig>> change);
}
