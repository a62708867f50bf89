package dev.berth.network.nat;

import dev.berth.network.Protocol;
import java.net.Inet4Address;
import java.util.Objects;

/**
 * One published port: traffic for {@code hostPort} ({@code protocol}) arriving at the host's
 * {@code hostIp}, or at any of its addresses when {@code hostIp} is null, goes to
 * {@code containerIp:containerPort}. Docker's {@code -p 127.0.0.1:8080:80/tcp}, resolved to the
 * container's address. An explicit {@code 0.0.0.0} is stored as null: both mean every address.
 */
public record PortMapping(
        Protocol protocol, Inet4Address hostIp, int hostPort, Inet4Address containerIp, int containerPort) {

    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(containerIp, "containerIp");
        checkPort("host", hostPort);
        checkPort("container", containerPort);
        if (hostIp != null && hostIp.isAnyLocalAddress()) {
            hostIp = null;
        }
    }

    /** A mapping from every host address. */
    public static PortMapping of(Protocol protocol, int hostPort, Inet4Address containerIp, int containerPort) {
        return new PortMapping(protocol, null, hostPort, containerIp, containerPort);
    }

    /** {@code tcp 0.0.0.0:8080 -> 172.18.0.2:80}, for messages and logs. */
    @Override
    public String toString() {
        return protocol.keyword() + " " + (hostIp == null ? "0.0.0.0" : hostIp.getHostAddress()) + ":" + hostPort
                + " -> " + containerIp.getHostAddress() + ":" + containerPort;
    }

    private static void checkPort(String which, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(which + " port out of range 1-65535: " + port);
        }
    }
}
