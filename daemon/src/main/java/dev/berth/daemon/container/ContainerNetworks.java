package dev.berth.daemon.container;

import dev.berth.daemon.http.ApiException;
import java.util.List;
import java.util.Map;

/**
 * What containers need of the daemon's networks, as the container code sees it: which networks a
 * new container joins, its network namespace with interfaces, addresses, routes, published ports
 * and DNS at each start, undone at each end, and what {@code inspect} and {@code ps} show of it.
 * The network code implements it; {@link #none()} is a daemon without networks.
 */
public interface ContainerNetworks {

    /**
     * At create: the networks the container will join, by name, with what it asks of each;
     * refuses (with the API's error) a network that does not exist, an address outside it, a
     * bad port binding. Empty for {@code host}, {@code none} and {@code container:<x>}.
     */
    Map<String, EndpointConfig> plan(HostConfig hc, ContainerConfig config, Map<String, EndpointConfig> requested);

    /**
     * At start, before the spec is made: the container's network namespace, set up; null when
     * the runtime makes it (none) or there is none of its own (host, container:).
     */
    Attachment attach(ContainerRecord r);

    /** At the container's end, a failed start or its removal: undoes {@link #attach}; idempotent. */
    void detach(String containerId);

    /**
     * After a daemon restart, once the containers are settled: {@code running} are the containers
     * that run; the rest of what the networks hold for containers is taken down.
     */
    default void retain(java.util.Set<String> running) {}

    /** After {@code docker rename}: the embedded DNS answers to the new name. */
    default void renamed(String containerId, String newName) {}

    /** {@code NetworkSettings} of {@code docker inspect}. */
    Map<String, Object> settings(ContainerRecord r);

    /** {@code Ports} of {@code docker ps}: {@code {IP, PrivatePort, PublicPort, Type}} per published port. */
    List<Map<String, Object>> ports(ContainerRecord r);

    /**
     * A container's network namespace as {@link #attach} left it.
     *
     * @param namespacePath the pinned namespace for the spec ({@code /run/berth/netns/<id>})
     * @param hostsEntries  lines for {@code /etc/hosts} after localhost's: its own address and name, links
     * @param resolvConf    the text of its {@code /etc/resolv.conf}
     */
    record Attachment(String namespacePath, List<String> hostsEntries, String resolvConf) {}

    /** A daemon without networks: host, none and container:<x> only, as before networking came. */
    static ContainerNetworks none() {
        return new ContainerNetworks() {
            @Override
            public Map<String, EndpointConfig> plan(HostConfig hc, ContainerConfig config,
                    Map<String, EndpointConfig> requested) {
                String mode = hc.networkMode() == null ? "" : hc.networkMode();
                if (mode.equals("none") || mode.equals("host") || mode.startsWith("container:")) {
                    return Map.of();
                }
                throw ApiException.notFound("network " + (mode.isEmpty() || mode.equals("default") ? "bridge" : mode)
                        + " not found");
            }

            @Override
            public Attachment attach(ContainerRecord r) {
                return null;
            }

            @Override
            public void detach(String containerId) {}

            @Override
            public Map<String, Object> settings(ContainerRecord r) {
                return Map.of("Bridge", "", "SandboxID", "", "SandboxKey", "", "Ports", Map.of(), "Networks", Map.of());
            }

            @Override
            public List<Map<String, Object>> ports(ContainerRecord r) {
                return List.of();
            }
        };
    }
}
