package dev.berth.daemon.network;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A running container's network namespace and everything made for it, as
 * {@code <exec-root>/network/sandboxes/<id>.json}: written whole before the kernel objects are
 * made, so that a daemon killed half way, or started again after the container died, knows what
 * to take down. It lives under the exec root because its namespace pin does: after a reboot
 * both are gone, and the IPAM's addresses that no sandbox claims are released.
 *
 * @param namespace the namespace pin ({@code <exec-root>/netns/<id>})
 * @param name      the container's name when it started, for the embedded DNS
 * @param dnsUpstreams where its embedded DNS forwards other names ({@code ip:port}); empty off user networks
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
record SandboxRecord(String containerId, String name, String hostname, String namespace, List<Endpoint> endpoints,
        List<PublishedPort> ports, List<String> dnsUpstreams) {

    SandboxRecord {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        ports = ports == null ? List.of() : List.copyOf(ports);
        dnsUpstreams = dnsUpstreams == null ? List.of() : List.copyOf(dnsUpstreams);
    }

    /**
     * The container's interface on one network.
     *
     * @param hostInterface the veth end on the host, in the network's bridge ({@code veth1a2b3c4})
     * @param interfaceName its peer in the container ({@code eth0})
     * @param mac           the peer's address, read back from the kernel; empty until it exists
     */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Endpoint(String networkId, String networkName, String endpointId, String interfaceName,
            String hostInterface, String address, int prefixLength, String gateway, String mac, List<String> aliases) {
        Endpoint {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
        }

        Endpoint withMac(String newMac) {
            return new Endpoint(networkId, networkName, endpointId, interfaceName, hostInterface, address, prefixLength,
                    gateway, newMac, aliases);
        }
    }

    /** One published port: DNAT on the network's bridge and a proxy on the host port. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record PublishedPort(String protocol, String hostIp, int hostPort, String containerAddress, int containerPort,
            String bridge) {}

    SandboxRecord withEndpoints(List<Endpoint> newEndpoints) {
        return new SandboxRecord(containerId, name, hostname, namespace, newEndpoints, ports, dnsUpstreams);
    }

    SandboxRecord withPorts(List<PublishedPort> newPorts) {
        return new SandboxRecord(containerId, name, hostname, namespace, endpoints, newPorts, dnsUpstreams);
    }

    SandboxRecord withDnsUpstreams(List<String> upstreams) {
        return new SandboxRecord(containerId, name, hostname, namespace, endpoints, ports, upstreams);
    }
}
