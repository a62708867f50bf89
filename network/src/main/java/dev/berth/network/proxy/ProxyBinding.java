package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import java.net.InetSocketAddress;

/**
 * One published port held open by the {@link PortProxy}: a listening socket on the host that
 * relays to the container's address. Closing it frees the host port at once (the socket is
 * closed before {@link #close()} returns) and ends the connections and UDP flows it carries.
 */
public interface ProxyBinding extends AutoCloseable {

    Protocol protocol();

    /** The address the proxy listens on: the host ip it was opened with and the bound port. */
    InetSocketAddress hostAddress();

    /** Where the proxy relays to: the container's address and port. */
    InetSocketAddress target();

    @Override
    void close();
}
