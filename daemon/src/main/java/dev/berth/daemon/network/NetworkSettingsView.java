package dev.berth.daemon.network;

import dev.berth.daemon.container.ContainerRecord;
import dev.berth.daemon.container.EndpointConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code NetworkSettings} of {@code docker inspect}, as dockerd fills it: the published ports
 * ({@code docker port} reads them from here), the sandbox, and per network the endpoint with its
 * address, gateway and MAC while the container runs (empty when it does not). The top-level
 * address fields are the default bridge's, which old clients read.
 */
final class NetworkSettingsView {
    private NetworkSettingsView() {}

    static Map<String, Object> of(ContainerRecord r, Optional<SandboxRecord> sandbox, NetworkStore networks) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Bridge", "");
        out.put("SandboxID", sandbox.map(s -> s.containerId()).orElse(""));
        out.put("SandboxKey", sandbox.map(SandboxRecord::namespace).orElse(""));
        out.put("HairpinMode", false);
        out.put("LinkLocalIPv6Address", "");
        out.put("LinkLocalIPv6PrefixLen", 0);
        out.put("Ports", ports(r, sandbox));
        out.put("SecondaryIPAddresses", null);
        out.put("SecondaryIPv6Addresses", null);
        Optional<SandboxRecord.Endpoint> onDefault = sandbox.flatMap(s -> s.endpoints().stream()
                .filter(e -> e.networkName().equals("bridge")).findFirst());
        out.put("EndpointID", onDefault.map(SandboxRecord.Endpoint::endpointId).orElse(""));
        out.put("Gateway", onDefault.map(SandboxRecord.Endpoint::gateway).orElse(""));
        out.put("GlobalIPv6Address", "");
        out.put("GlobalIPv6PrefixLen", 0);
        out.put("IPAddress", onDefault.map(SandboxRecord.Endpoint::address).orElse(""));
        out.put("IPPrefixLen", onDefault.map(SandboxRecord.Endpoint::prefixLength).orElse(0));
        out.put("IPv6Gateway", "");
        out.put("MacAddress", onDefault.map(SandboxRecord.Endpoint::mac).orElse(""));
        Map<String, Object> nets = new LinkedHashMap<>();
        String mode = r.hostConfig().networkMode() == null ? "" : r.hostConfig().networkMode();
        if (r.networks().isEmpty() && (mode.equals("host") || mode.equals("none"))) {
            networks.byName(mode).ifPresent(n -> nets.put(mode, endpointView(n.id(), EndpointConfig.empty(), null, r)));
        }
        for (Map.Entry<String, EndpointConfig> e : r.networks().entrySet()) {
            Optional<SandboxRecord.Endpoint> ep = sandbox.flatMap(s -> s.endpoints().stream()
                    .filter(x -> x.networkName().equals(e.getKey())).findFirst());
            String networkId = ep.map(SandboxRecord.Endpoint::networkId)
                    .orElseGet(() -> networks.find(e.getKey()).map(Network::id).orElse(""));
            nets.put(e.getKey(), endpointView(networkId, e.getValue(), ep.orElse(null), r));
        }
        out.put("Networks", nets);
        return out;
    }

    private static Map<String, Object> endpointView(String networkId, EndpointConfig asked, SandboxRecord.Endpoint e,
            ContainerRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("IPAMConfig", asked.ipamConfig());
        m.put("Links", asked.links());
        m.put("Aliases", asked.aliases());
        m.put("MacAddress", e == null ? "" : e.mac());
        m.put("DriverOpts", null);
        m.put("GwPriority", 0);
        m.put("NetworkID", networkId);
        m.put("EndpointID", e == null ? "" : e.endpointId());
        m.put("Gateway", e == null ? "" : e.gateway());
        m.put("IPAddress", e == null ? "" : e.address());
        m.put("IPPrefixLen", e == null ? 0 : e.prefixLength());
        m.put("IPv6Gateway", "");
        m.put("GlobalIPv6Address", "");
        m.put("GlobalIPv6PrefixLen", 0);
        List<String> dnsNames = null;
        if (e != null && !r.networks().isEmpty()) {
            dnsNames = new ArrayList<>(List.of(r.shortName()));
            dnsNames.addAll(e.aliases());
            dnsNames.add(r.id().substring(0, 12));
        }
        m.put("DNSNames", dnsNames);
        return m;
    }

    /** {@code "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}; exposed but unpublished ports map to null. */
    private static Map<String, Object> ports(ContainerRecord r, Optional<SandboxRecord> sandbox) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (sandbox.isEmpty()) {
            return out;
        }
        if (r.config().exposedPorts() != null) {
            for (String exposed : r.config().exposedPorts().keySet()) {
                out.put(exposed.contains("/") ? exposed : exposed + "/tcp", null);
            }
        }
        for (SandboxRecord.PublishedPort p : sandbox.get().ports()) {
            String key = p.containerPort() + "/" + p.protocol();
            @SuppressWarnings("unchecked")
            List<Map<String, String>> list = out.get(key) instanceof List<?> l
                    ? (List<Map<String, String>>) l : new ArrayList<>();
            Map<String, String> binding = new LinkedHashMap<>();
            binding.put("HostIp", p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp());
            binding.put("HostPort", Integer.toString(p.hostPort()));
            list.add(binding);
            out.put(key, list);
        }
        return out;
    }
}
