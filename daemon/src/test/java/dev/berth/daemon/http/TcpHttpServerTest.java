package dev.berth.daemon.http;

import java.nio.file.Path;

/** The contract on TCP (loopback only), as {@code -H tcp://} serves it (NIO). */
class TcpHttpServerTest extends HttpServerContract {
    @Override
    ListenAddress listenAddress(Path dir) {
        return new ListenAddress.Tcp("127.0.0.1", 0);
    }
}
