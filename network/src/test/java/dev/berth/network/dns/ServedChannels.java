package dev.berth.network.dns;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * What the daemon would hand to {@link EmbeddedDns#serve}: a UDP socket and a TCP listening
 * socket on the same port, here on 127.0.0.1 instead of 127.0.0.11 in a container namespace.
 */
record ServedChannels(DatagramChannel udp, ServerSocketChannel tcp) implements AutoCloseable {
    static ServedChannels open() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; ; attempt++) {
            DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
            int port = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            try {
                return new ServedChannels(udp, ServerSocketChannel.open().bind(new InetSocketAddress(loopback, port)));
            } catch (BindException e) {
                udp.close(); // that port is taken for TCP: try another
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) udp.getLocalAddress();
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
