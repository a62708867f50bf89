package dev.berth.daemon.network;

import dev.berth.daemon.container.ContainerConfig;
import dev.berth.daemon.container.EndpointConfig;
import dev.berth.daemon.container.HostConfig;
import dev.berth.daemon.http.ApiException;
import dev.berth.network.ipam.Subnet;
import java.net.Inet4Address;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which networks a new container joins, decided at create as dockerd decides it: its network
 * mode names the first (the default bridge for {@code default}, none of its own for
 * {@code host}, {@code none} and {@code container:<x>}), {@code NetworkingConfig} may add more,
 * and what it asks of each (a fixed address, aliases) is checked against that network. A
 * network that does not exist fails the start, not the create.
 */
final class EndpointPlan {
    private final NetworkStore networks;

    EndpointPlan(NetworkStore networks) {
        this.networks = networks;
    }

    Map<String, EndpointConfig> plan(HostConfig hc, ContainerConfig config, Map<String, EndpointConfig> requested) {
        String mode = hc.networkMode() == null ? "" : hc.networkMode();
        if (mode.equals("none") || mode.equals("host") || mode.startsWith("container:")) {
            return Map.of();
        }
        String primary;
        if (mode.isEmpty() || mode.equals("default")) {
            Optional<Network> bridge = networks.byName("bridge").filter(Network::isBridge);
            if (bridge.isEmpty()) {
                return Map.of(); // --bridge none: a namespace of its own with loopback only, as dockerd gives
            }
            primary = "bridge";
        } else {
            Optional<Network> named = networks.find(mode);
            if (named.isPresent() && !named.get().isBridge()) {
                return Map.of(); // the predefined host or none network named by its id
            }
            // a network that does not exist fails the start, not the create, as with dockerd
            primary = named.map(Network::name).orElse(mode);
        }
        PortRequest.of(hc, config);
        Map<String, EndpointConfig> out = new LinkedHashMap<>();
        out.put(primary, EndpointConfig.empty()); // first: its interface is eth0, with the default route
        for (Map.Entry<String, EndpointConfig> e : requested.entrySet()) {
            String key = e.getKey();
            EndpointConfig asked = e.getValue() == null ? EndpointConfig.empty() : e.getValue();
            String name = key.equals(mode) || key.equals("default") ? primary
                    : networks.find(key).map(Network::name).orElse(key);
            out.put(name, asked);
        }
        for (Map.Entry<String, EndpointConfig> e : out.entrySet()) {
            Optional<Network> n = networks.find(e.getKey());
            if (n.isPresent()) {
                if (!n.get().isBridge()) {
                    throw ApiException.invalid("container cannot be connected to network " + n.get().name()
                            + " and to " + primary);
                }
                checkEndpoint(n.get(), e.getValue());
            }
        }
        return out;
    }

    /** What a container may ask of a network: an address in its subnet, aliases; neither on the default bridge. */
    static void checkEndpoint(Network n, EndpointConfig e) {
        if (e.requestedAddress() != null) {
            if (n.isDefaultBridge()) {
                throw ApiException.invalid("user specified IP address is supported on user defined networks only");
            }
            Inet4Address a = NetworkService.address(e.requestedAddress(), "IPv4");
            Subnet range = Subnet.parse(n.ipRange() != null ? n.ipRange() : n.subnet());
            if (!range.contains(a)) {
                throw ApiException.invalid("no configured subnet or ip-range contain the IP address " + e.requestedAddress());
            }
        }
        if (!e.aliasList().isEmpty() && n.isDefaultBridge()) {
            throw ApiException.invalid("network-scoped alias is supported only for containers in user defined networks");
        }
    }
}
