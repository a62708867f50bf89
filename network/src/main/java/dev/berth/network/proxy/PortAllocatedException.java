package dev.berth.network.proxy;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A host port that is already taken, by another published port or by any other socket on the
 * host. The message is dockerd's, word for word ({@code Bind for 0.0.0.0:8080 failed: port is
 * already allocated}), because compose and CI scripts match it to tell a port clash from other
 * failures.
 */
public final class PortAllocatedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient InetAddress hostIp;
    private final int port;

    public PortAllocatedException(InetAddress hostIp, int port) {
        super("Bind for " + hostIp.getHostAddress() + ":" + port + " failed: port is already allocated");
        this.hostIp = hostIp;
        this.port = port;
    }

    public InetAddress hostIp() {
        return hostIp;
    }

    public int port() {
        return port;
    }
}
