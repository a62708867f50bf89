package dev.berth.daemon.network;

import dev.berth.daemon.container.ContainerConfig;
import dev.berth.daemon.container.HostConfig;
import dev.berth.daemon.container.PortBinding;
import dev.berth.daemon.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One port a container asks to publish, from {@code HostConfig.PortBindings} ({@code -p}) and,
 * with {@code PublishAllPorts} ({@code -P}), from the image's and its own {@code ExposedPorts}.
 *
 * @param protocol      {@code tcp} or {@code udp}
 * @param hostIp        the host address to publish on; empty for all
 * @param hostPortFirst the host port, or the first of a range; 0 for any free one
 * @param hostPortLast  the last of the range ({@code = first} for one port)
 */
record PortRequest(String protocol, int containerPort, String hostIp, int hostPortFirst, int hostPortLast) {

    /** The container's requests, checked: 400 {@code invalid port specification} naming the bad one. */
    static List<PortRequest> of(HostConfig hc, ContainerConfig config) {
        Map<String, List<PortBinding>> bindings = new LinkedHashMap<>(
                hc.portBindings() == null ? Map.of() : hc.portBindings());
        if (Boolean.TRUE.equals(hc.publishAllPorts()) && config.exposedPorts() != null) {
            for (String exposed : config.exposedPorts().keySet()) {
                bindings.putIfAbsent(exposed, List.of(new PortBinding("", "")));
            }
        }
        List<PortRequest> out = new ArrayList<>();
        for (Map.Entry<String, List<PortBinding>> e : bindings.entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            String proto = slash < 0 ? "tcp" : key.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                throw ApiException.invalid("invalid port specification: \"" + key + "\": protocol must be tcp or udp");
            }
            int containerPort = port(slash < 0 ? key : key.substring(0, slash), key, false);
            List<PortBinding> hosts = e.getValue() == null || e.getValue().isEmpty()
                    ? List.of(new PortBinding("", "")) : e.getValue();
            for (PortBinding b : hosts) {
                String hostPort = b.hostPort() == null ? "" : b.hostPort();
                int first = 0;
                int last = 0;
                if (!hostPort.isEmpty()) {
                    int dash = hostPort.indexOf('-');
                    first = port(dash < 0 ? hostPort : hostPort.substring(0, dash), hostPort, true);
                    last = dash < 0 ? first : port(hostPort.substring(dash + 1), hostPort, true);
                    if (last < first) {
                        throw ApiException.invalid("invalid port specification: \"" + hostPort + "\": empty range");
                    }
                }
                String ip = b.hostIp() == null ? "" : b.hostIp();
                if (ip.contains(":")) {
                    throw ApiException.notImplemented("publish on " + ip + ": IPv6 host addresses are not supported by berthd");
                }
                out.add(new PortRequest(proto, containerPort, ip.equals("0.0.0.0") ? "" : ip, first, last));
            }
        }
        return out;
    }

    private static int port(String text, String spec, boolean zeroAllowed) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p < (zeroAllowed ? 0 : 1) || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid port specification: \"" + spec + "\"");
        }
    }

    /** {@code 80/tcp}, as the API keys ports. */
    String key() {
        return containerPort + "/" + protocol;
    }
}
